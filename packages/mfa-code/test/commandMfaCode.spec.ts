import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { commandMfaCode } from "../src/index.js";
import {
  makeContext,
  makeTempDir,
  rejectionOf,
  runFixtureInPty,
  runFixtureWithoutTerminal,
  thrownBy,
  writeScript,
} from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";

// Every in-process test runs as if there were no terminal, whatever the test runner has.
const NO_TTY = { ttyPath: "/nonexistent/tty" };

describe("commandMfaCode", function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;

  beforeEach(() => {
    temp = makeTempDir("command");
  });

  afterEach(() => {
    temp.remove();
  });

  describe("success", () => {
    it("returns trimmed stdout", async () => {
      const script = writeScript(temp.dir, "ok.sh", "printf '  123456 \\n'");
      assert.equal(await commandMfaCode([script], NO_TTY)(SERIAL), "123456");
    });

    it("runs a string through sh", async () => {
      const source = commandMfaCode("printf '%s%s\\n' 135 790", NO_TTY);
      assert.equal(await source(SERIAL), "135790");
    });

    it("runs an array without shell", async () => {
      const script = writeScript(temp.dir, "args.sh", '[ "$1" = "a b;c" ] && [ "$#" = 1 ] && echo 246802');
      assert.equal(await commandMfaCode([script, "a b;c"], NO_TTY)(SERIAL), "246802");
    });

    describe("child environment", () => {
      let environment: string;

      before(async () => {
        const dir = makeTempDir("command-env");
        try {
          const output = join(dir.dir, "env.txt");
          const script = writeScript(
            dir.dir,
            "env.sh",
            `printf '%s|%s|%s' "$MFA_SERIAL" "$MFA_PROFILE" "$MFA_REASON" > '${output}'; echo 111222`,
          );
          await commandMfaCode([script], NO_TTY)(SERIAL, makeContext(SERIAL, { profile: "dev", reason: "refresh" }));
          environment = readFileSync(output, "utf8");
        } finally {
          dir.remove();
        }
      });

      it("passes MFA_SERIAL", () => {
        assert.equal(environment.split("|")[0], SERIAL);
      });

      it("passes MFA_PROFILE", () => {
        assert.equal(environment.split("|")[1], "dev");
      });

      it("passes MFA_REASON", () => {
        assert.equal(environment.split("|")[2], "refresh");
      });
    });

    it("ignores background process output", async () => {
      const script = writeScript(temp.dir, "daemon.sh", "(sleep 5; echo late) & echo 565656");
      const startedMs = Date.now();
      assert.equal(await commandMfaCode([script], NO_TTY)(SERIAL), "565656");
      assert.ok(Date.now() - startedMs < 4000, `took ${Date.now() - startedMs} ms`);
    });

    it("drops inherited MFA_PROFILE", async () => {
      process.env.MFA_PROFILE = "inherited";
      try {
        const script = writeScript(temp.dir, "profile.sh", '[ -z "${MFA_PROFILE+set}" ] && echo 333444');
        assert.equal(await commandMfaCode([script], NO_TTY)(SERIAL), "333444");
      } finally {
        delete process.env.MFA_PROFILE;
      }
    });
  });

  describe("failures", () => {
    it("reports exit status", async () => {
      const script = writeScript(temp.dir, "fail.sh", "echo 'token: 987654'; exit 3");
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_FAILED");
      assert.match(error.message, /exited with status 3/);
      assert.ok(error.message.includes(script), error.message);
    });

    it("stops a hanging command", async () => {
      const script = writeScript(temp.dir, "hang.sh", "exec sleep 30");
      const startedMs = Date.now();
      const error = await rejectionOf(commandMfaCode([script], { ...NO_TTY, timeoutMs: 300 })(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_TIMEOUT");
      assert.ok(Date.now() - startedMs < 5000, `took ${Date.now() - startedMs} ms`);
    });

    it("rejects junk output", async () => {
      const script = writeScript(temp.dir, "junk.sh", "echo 'not a code'");
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_INVALID_OUTPUT");
    });

    it("rejects seven digits", async () => {
      const script = writeScript(temp.dir, "seven.sh", "echo 7654321");
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_INVALID_OUTPUT");
    });

    it("rejects oversized output", async () => {
      const script = writeScript(temp.dir, "flood.sh", "head -c 100000 /dev/zero");
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_INVALID_OUTPUT");
    });

    it("missing program is unavailable", async () => {
      const error = await rejectionOf(commandMfaCode([join(temp.dir, "missing")], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_NOT_FOUND");
      assert.equal(error.unavailable, true);
    });

    it("shell status 127 means missing", async () => {
      const error = await rejectionOf(commandMfaCode("mfa-code-no-such-program --otp", NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_NOT_FOUND");
    });

    it("reports terminating signal", async () => {
      const script = writeScript(temp.dir, "killed.sh", "kill -TERM $$");
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL));
      assert.equal(error.code, "MFA_COMMAND_FAILED");
      assert.match(error.message, /SIGTERM/);
    });

    it("stops when signal aborts", async () => {
      const script = writeScript(temp.dir, "slow.sh", "exec sleep 30");
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 200);
      const error = await rejectionOf(commandMfaCode([script], NO_TTY)(SERIAL, makeContext(SERIAL, { signal: abort.signal })));
      assert.equal(error.code, "MFA_ABORTED");
    });

    it("label replaces command in messages", async () => {
      const script = writeScript(temp.dir, "fail.sh", "exit 1");
      const error = await rejectionOf(commandMfaCode([script, "--key=hidden"], { ...NO_TTY, label: "vault otp" })(SERIAL));
      assert.match(error.message, /command "vault otp"/);
      assert.ok(!error.message.includes("--key=hidden"), error.message);
    });

    it("rejects an empty command", () => {
      assert.equal(thrownBy(() => commandMfaCode("  ")).code, "MFA_INVALID_OPTION");
    });

    it("rejects an empty array", () => {
      assert.equal(thrownBy(() => commandMfaCode([])).code, "MFA_INVALID_OPTION");
    });
  });

  describe("terminal handling", () => {
    it("reads stdin from terminal", async () => {
      const run = await runFixtureInPty({
        env: { FIXTURE_SOURCE: "command", FIXTURE_COMMAND: "printf 'Code? ' >&2; read -r code; echo \"$code\"" },
        pipedStdin: "999999\n",
        steps: [{ waitFor: "Code? ", send: "864209\r" }],
      });
      assert.deepEqual(run.result.codes, ["864209"]);
      assert.equal(run.result.stdinRest, "999999\n");
    });

    it("sends stderr to terminal", async () => {
      const run = await runFixtureInPty({
        env: { FIXTURE_SOURCE: "command", FIXTURE_COMMAND: "echo 'touch the key' >&2; echo 123123" },
      });
      assert.ok(run.screen.includes("touch the key"), run.screen);
      assert.equal(run.stderr, "fixture stderr line\n");
    });

    it("discards stderr without terminal", async () => {
      const run = await runFixtureWithoutTerminal({
        FIXTURE_SOURCE: "command",
        FIXTURE_COMMAND: "echo 'child diagnostics' >&2; echo 123123",
      });
      assert.deepEqual(run.result.codes, ["123123"]);
      assert.equal(run.stderr, "fixture stderr line\n");
    });

    it("gives empty stdin without terminal", async () => {
      const run = await runFixtureWithoutTerminal({
        FIXTURE_SOURCE: "command",
        FIXTURE_COMMAND: "if read -r line; then exit 9; fi; echo 456456",
      });
      assert.deepEqual(run.result.codes, ["456456"]);
    });
  });
});
