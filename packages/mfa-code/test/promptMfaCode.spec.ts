import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { promptMfaCode } from "../src/index.js";
import { normalizeTypedCode } from "../src/normalizeCode.js";
import { buildPromptHeader } from "../src/promptText.js";
import {
  makeContext,
  makeTempDir,
  rejectionOf,
  runFixtureInPty,
  runFixtureWithoutTerminal,
  thrownBy,
  type PtyRun,
} from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const INPUT_LABEL = "Enter the 6-digit code: ";
const RETRY_MESSAGE = "STS rejected the previous code. Enter the code now shown by the device.";

describe("promptMfaCode", function () {
  this.timeout(30_000);

  describe("normalizeTypedCode", () => {
    it("accepts six digits", () => {
      assert.equal(normalizeTypedCode("123456"), "123456");
    });

    it("removes spaces and dashes", () => {
      assert.equal(normalizeTypedCode(" 123 456"), "123456");
      assert.equal(normalizeTypedCode("123-456\t"), "123456");
    });

    it("rejects malformed input", () => {
      for (const input of ["1234567", "12345", "\u001b[O123456", "", "12a456", "１２３４５６"]) {
        assert.equal(normalizeTypedCode(input), undefined, JSON.stringify(input));
      }
    });
  });

  describe("buildPromptHeader", () => {
    it("explains reused code", () => {
      const header = buildPromptHeader(SERIAL, makeContext(SERIAL, { reason: "reused" }), 60_000, Date.now());
      assert.match(header, /already used\. Wait for the device to show the next one/);
    });

    it("explains invalid format", () => {
      const header = buildPromptHeader(SERIAL, makeContext(SERIAL, { reason: "invalid-format" }), 60_000, Date.now());
      assert.match(header, /previous answer was not a six-digit code/);
    });

    it("explains refresh with expiry", () => {
      const nowMs = Date.now();
      const context = makeContext(SERIAL, { reason: "refresh", expiration: new Date(nowMs + 9 * 60_000) });
      const header = buildPromptHeader(SERIAL, context, 60_000, nowMs);
      assert.match(header, /session expires at \d\d:\d\d:\d\d \(in 9 min\)/);
    });

    it("shows message once", () => {
      const context = makeContext(SERIAL, { reason: "retry", message: RETRY_MESSAGE });
      const header = buildPromptHeader(SERIAL, context, 60_000, Date.now());
      assert.equal(header.split(RETRY_MESSAGE).length - 1, 1);
    });

    it("shows caller message", () => {
      const context = makeContext(SERIAL, { message: "Deploying to production." });
      const header = buildPromptHeader(SERIAL, context, 60_000, Date.now());
      assert.match(header, /Deploying to production\./);
    });

    it("neutralizes control characters", () => {
      const context = makeContext(SERIAL, { profile: "dev\u001b]0;owned\u0007" });
      const header = buildPromptHeader(SERIAL, context, 60_000, Date.now());
      assert.ok(!header.includes("\u001b"), JSON.stringify(header));
    });
  });

  describe("options and terminal checks", () => {
    it("rejects invalid timeoutMs", () => {
      assert.equal(thrownBy(() => promptMfaCode({ timeoutMs: 0 })).code, "MFA_INVALID_OPTION");
    });

    it("rejects invalid maxFormatAttempts", () => {
      assert.equal(thrownBy(() => promptMfaCode({ maxFormatAttempts: 1.5 })).code, "MFA_INVALID_OPTION");
    });

    it("missing device means no terminal", async () => {
      const error = await rejectionOf(promptMfaCode({ ttyPath: "/nonexistent/tty" })(SERIAL));
      assert.equal(error.code, "MFA_NO_TERMINAL");
      assert.equal(error.unavailable, true);
      assert.match(error.message, /ENOENT/);
    });

    it("regular file means no terminal", async () => {
      const temp = makeTempDir("not-a-tty");
      try {
        const path = join(temp.dir, "tty");
        writeFileSync(path, "");
        const error = await rejectionOf(promptMfaCode({ ttyPath: path })(SERIAL));
        assert.equal(error.code, "MFA_NO_TERMINAL");
        assert.match(error.message, /is not a terminal/);
      } finally {
        temp.remove();
      }
    });

    it("aborted signal fails at once", async () => {
      const abort = new AbortController();
      abort.abort();
      const error = await rejectionOf(promptMfaCode()(SERIAL, makeContext(SERIAL, { signal: abort.signal })));
      assert.equal(error.code, "MFA_ABORTED");
    });
  });

  describe("without controlling terminal", () => {
    it("fails at once with MFA_NO_TERMINAL", async () => {
      const { result } = await runFixtureWithoutTerminal({ FIXTURE_PROFILE: "ci", FIXTURE_REASON: "initial" });
      assert.equal(result.errorCode, "MFA_NO_TERMINAL");
      assert.equal(result.unavailable, true);
      assert.ok(result.elapsedMs < 1000, `took ${result.elapsedMs} ms`);
    });

    it("lists other ways to supply code", async () => {
      const { result } = await runFixtureWithoutTerminal({ FIXTURE_PROFILE: "ci", FIXTURE_REASON: "initial" });
      const message = result.errorMessage ?? "";
      for (const alternative of ["AWS_MFA_CODE", "envMfaCode", "totpMfaCode", "commandMfaCode", "ykmanMfaCode"]) {
        assert.ok(message.includes(alternative), `message lacks ${alternative}: ${message}`);
      }
      assert.match(message, /\(profile ci\)/);
    });
  });

  describe("in a pseudo-terminal with redirected stdio", () => {
    let run: PtyRun;

    before(async () => {
      run = await runFixtureInPty({
        env: {
          FIXTURE_SERIAL: SERIAL,
          FIXTURE_PROFILE: "dev",
          FIXTURE_REASON: "retry",
          FIXTURE_ATTEMPT: "2",
          FIXTURE_MESSAGE: RETRY_MESSAGE,
        },
        pipedStdin: "a\nb\n",
        steps: [{ waitFor: INPUT_LABEL, send: "123 456\r" }],
      });
    });

    it("returns spaced code as digits", () => {
      assert.deepEqual(run.result.codes, ["123456"]);
    });

    it("shows serial and profile", () => {
      assert.ok(run.screen.includes(`MFA device: ${SERIAL} (profile dev)`), run.screen);
    });

    it("shows retry reason", () => {
      assert.ok(run.screen.includes(RETRY_MESSAGE), run.screen);
    });

    it("shows attempt number", () => {
      assert.ok(run.screen.includes("Attempt 2 of 3."), run.screen);
    });

    it("leaves piped stdin unread", () => {
      assert.equal(run.result.stdinRest, "a\nb\n");
    });

    it("keeps prompt out of stdout", () => {
      assert.equal(run.stdout, "fixture stdout line\n");
    });

    it("keeps prompt out of stderr", () => {
      assert.equal(run.stderr, "fixture stderr line\n");
    });
  });

  describe("in a pseudo-terminal with junk input", () => {
    let run: PtyRun;

    before(async () => {
      run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL, FIXTURE_REASON: "refresh" },
        pipedStdin: "",
        steps: [
          { waitFor: INPUT_LABEL, send: "\u001b[O123456\r" },
          { waitFor: INPUT_LABEL, occurrence: 2, send: "\r" },
          { waitFor: INPUT_LABEL, occurrence: 3, send: "654-321\r" },
        ],
      });
    });

    it("asks again after junk", () => {
      assert.deepEqual(run.result.codes, ["654321"]);
    });

    it("gives reason for each retry", () => {
      assert.equal(run.screen.split("That was not a six-digit code").length - 1, 2, run.screen);
    });

    it("shows refresh reason", () => {
      assert.match(run.screen, /session expires at \d\d:\d\d:\d\d/);
    });

    it("keeps typed input out of stdout", () => {
      assert.equal(run.stdout, "fixture stdout line\n");
    });

    it("keeps typed input out of stderr", () => {
      assert.equal(run.stderr, "fixture stderr line\n");
    });
  });

  describe("in a pseudo-terminal, failures", () => {
    it("gives up after three junk answers", async () => {
      const run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL },
        steps: [
          { waitFor: INPUT_LABEL, send: "99999x\r" },
          { waitFor: INPUT_LABEL, occurrence: 2, send: "7654321\r" },
          { waitFor: INPUT_LABEL, occurrence: 3, send: "abcdef\r" },
        ],
      });
      assert.equal(run.result.errorCode, "MFA_PROMPT_INVALID_INPUT");
      for (const junk of ["99999x", "7654321", "abcdef"]) {
        assert.ok(!(run.result.errorMessage ?? "").includes(junk), `message repeats ${junk}`);
      }
    });

    it("times out and closes terminal", async () => {
      const run = await runFixtureInPty({ env: { FIXTURE_SERIAL: SERIAL, FIXTURE_TIMEOUT_MS: "700" } });
      assert.equal(run.result.errorCode, "MFA_PROMPT_TIMEOUT");
      assert.ok(run.screen.includes("No code entered in time."), run.screen);
    });

    it("stops when signal aborts", async () => {
      const run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL, FIXTURE_REASON: "initial", FIXTURE_ABORT_AFTER_MS: "700" },
      });
      assert.equal(run.result.errorCode, "MFA_ABORTED");
      assert.ok(run.screen.includes("MFA code request cancelled."), run.screen);
    });

    it("reports end of input", async () => {
      const run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL },
        steps: [{ waitFor: INPUT_LABEL, send: "\u0004" }],
      });
      assert.equal(run.result.errorCode, "MFA_PROMPT_CLOSED");
    });
  });

  describe("in a pseudo-terminal, two serials at once", () => {
    let run: PtyRun;

    before(async () => {
      run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL, FIXTURE_MODE: "two-serials" },
        steps: [
          { waitFor: INPUT_LABEL, send: "121212\r" },
          { waitFor: INPUT_LABEL, occurrence: 2, send: "343434\r" },
        ],
      });
    });

    it("prompts one after the other", () => {
      const secondHeader = run.screen.indexOf(`MFA device: ${SERIAL}-second`);
      const firstAnswer = run.screen.indexOf("121212");
      assert.notEqual(firstAnswer, -1, run.screen);
      assert.ok(secondHeader > firstAnswer, run.screen);
    });

    it("returns each serial's code", () => {
      assert.deepEqual(run.result.codes, ["121212", "343434"]);
    });
  });

  describe("in a pseudo-terminal, concurrent requests", () => {
    let run: PtyRun;

    before(async () => {
      run = await runFixtureInPty({
        env: { FIXTURE_SERIAL: SERIAL, FIXTURE_MODE: "concurrent" },
        steps: [{ waitFor: INPUT_LABEL, send: "112233\r" }],
      });
    });

    it("shows one prompt", () => {
      assert.equal(run.screen.split("MFA device:").length - 1, 1, run.screen);
    });

    it("gives every caller the code", () => {
      assert.deepEqual(run.result.codes, ["112233", "112233"]);
    });
  });
});
