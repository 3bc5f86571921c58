import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import sinon from "sinon";

import { ykmanMfaCode } from "../src/index.js";
import { makeContext, makeTempDir, rejectionOf, runFixtureInPty, writeScript } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const NO_TTY = { ttyPath: "/nonexistent/tty" };

// Stands in for the YubiKey Manager CLI: logs its arguments, lists the devices in
// FAKE_YKMAN_LIST or FAKE_YKMAN_SERIALS, and prints FAKE_YKMAN_CODE or exits with FAKE_YKMAN_EXIT.
const FAKE_YKMAN = `
echo "$*" >> "$FAKE_YKMAN_LOG"
if [ "$1" = "--device" ]; then shift 2; fi
case "$1" in
  list)
    if [ "$2" = "--serials" ]; then printf '%s' "$FAKE_YKMAN_SERIALS"; else printf '%s' "$FAKE_YKMAN_LIST"; fi
    exit 0 ;;
  oath)
    if [ "\${FAKE_YKMAN_EXIT:-0}" != 0 ]; then echo "Error: simulated failure" >&2; exit "$FAKE_YKMAN_EXIT"; fi
    echo "$FAKE_YKMAN_CODE"
    exit 0 ;;
esac
exit 2`;

const FAKE_VARIABLES = ["FAKE_YKMAN_LOG", "FAKE_YKMAN_LIST", "FAKE_YKMAN_SERIALS", "FAKE_YKMAN_EXIT", "FAKE_YKMAN_CODE"];

let serialCounter = 0;
const uniqueSerial = (): string => `arn:aws:iam::123456789012:mfa/yk-${++serialCounter}`;

describe("ykmanMfaCode", function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;
  let logFile: string;
  let fakePath: string;
  const originalPath = process.env.PATH;

  beforeEach(() => {
    temp = makeTempDir("ykman");
    fakePath = writeScript(temp.dir, "ykman", FAKE_YKMAN);
    logFile = join(temp.dir, "ykman.log");
    process.env.PATH = `${temp.dir}:${originalPath ?? ""}`;
    process.env.FAKE_YKMAN_LOG = logFile;
    process.env.FAKE_YKMAN_CODE = "123456";
    process.env.FAKE_YKMAN_LIST = "YubiKey 5 NFC (5.4.3) [OTP+FIDO+CCID] Serial: 12345678\n";
    process.env.FAKE_YKMAN_SERIALS = "12345678\n";
  });

  afterEach(() => {
    sinon.restore();
    process.env.PATH = originalPath;
    for (const name of FAKE_VARIABLES) {
      delete process.env[name];
    }
    temp.remove();
  });

  const loggedCalls = (): string[] => (existsSync(logFile) ? readFileSync(logFile, "utf8").trim().split("\n") : []);

  it("returns the code", async () => {
    assert.equal(await ykmanMfaCode(NO_TTY)(uniqueSerial()), "123456");
  });

  it("uses account from serial", async () => {
    await ykmanMfaCode(NO_TTY)(SERIAL);
    assert.deepEqual(loggedCalls(), ["oath accounts code --single alice"]);
  });

  it("passes account and device", async () => {
    await ykmanMfaCode({ ...NO_TTY, account: "AWS:alice@prod", device: "12345678" })(uniqueSerial());
    assert.deepEqual(loggedCalls(), ["--device 12345678 oath accounts code --single AWS:alice@prod"]);
  });

  it("missing ykman is unavailable", async () => {
    process.env.PATH = join(temp.dir, "empty");
    const error = await rejectionOf(ykmanMfaCode(NO_TTY)(uniqueSerial()));
    assert.equal(error.code, "MFA_YKMAN_NOT_FOUND");
    assert.equal(error.unavailable, true);
    assert.match(error.message, /pip install yubikey-manager/);
  });

  it("no YubiKey is unavailable", async () => {
    process.env.FAKE_YKMAN_EXIT = "1";
    process.env.FAKE_YKMAN_LIST = "";
    const error = await rejectionOf(ykmanMfaCode(NO_TTY)(uniqueSerial()));
    assert.equal(error.code, "MFA_YKMAN_NO_DEVICE");
    assert.equal(error.unavailable, true);
  });

  it("absent device is unavailable", async () => {
    process.env.FAKE_YKMAN_EXIT = "1";
    const error = await rejectionOf(ykmanMfaCode({ ...NO_TTY, device: "87654321" })(uniqueSerial()));
    assert.equal(error.code, "MFA_YKMAN_NO_DEVICE");
  });

  it("failure with key present", async () => {
    process.env.FAKE_YKMAN_EXIT = "2";
    const error = await rejectionOf(ykmanMfaCode(NO_TTY)(uniqueSerial()));
    assert.equal(error.code, "MFA_YKMAN_FAILED");
    assert.equal(error.unavailable, false);
    assert.match(error.message, /exited with status 2/);
  });

  it("rejects junk output", async () => {
    process.env.FAKE_YKMAN_CODE = "Touch your YubiKey...";
    const error = await rejectionOf(ykmanMfaCode(NO_TTY)(uniqueSerial()));
    assert.equal(error.code, "MFA_YKMAN_FAILED");
  });

  it("accepts ykmanPath", async () => {
    process.env.PATH = join(temp.dir, "empty");
    assert.equal(await ykmanMfaCode({ ...NO_TTY, ykmanPath: fakePath })(uniqueSerial()), "123456");
  });

  it("reused reason waits a step", async () => {
    // 10 s into a 30-second step.
    const clock = sinon.useFakeTimers({ now: 1_700_000_020_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const pending = ykmanMfaCode(NO_TTY)(uniqueSerial(), makeContext(SERIAL, { reason: "reused" }));

    await clock.tickAsync(19_999);
    assert.deepEqual(loggedCalls(), []);

    await clock.tickAsync(1);
    assert.equal(await pending, "123456");
  });

  it("same code twice waits a step", async () => {
    const clock = sinon.useFakeTimers({ now: 1_700_000_020_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
    const serial = uniqueSerial();
    const source = ykmanMfaCode(NO_TTY);
    await source(serial);

    const setTimeoutSpy = sinon.spy(globalThis, "setTimeout");
    const pending = source(serial);
    await waitUntil(() => setTimeoutSpy.calledWith(sinon.match.func, 20_000));
    await clock.tickAsync(20_000);
    assert.equal(await pending, "123456");
    assert.equal(loggedCalls().length, 3);
  });

  it("asks for touch on terminal", async () => {
    const run = await runFixtureInPty({
      env: { FIXTURE_SOURCE: "ykman", FIXTURE_YKMAN_PATH: fakePath, FAKE_YKMAN_LOG: logFile, FAKE_YKMAN_CODE: "777888" },
    });
    assert.deepEqual(run.result.codes, ["777888"]);
    assert.match(run.screen, /Touch the key if it flashes/);
  });
});

// Captured before any test installs fake timers.
const realSetTimeout = globalThis.setTimeout;
const realSleep = (ms: number): Promise<void> => new Promise((resolve) => realSetTimeout(resolve, ms));

/** Polls with real timers until `condition` returns true or 5 s pass. */
const waitUntil = async (condition: () => boolean): Promise<void> => {
  for (let polls = 0; polls < 500 && !condition(); polls += 1) {
    await realSleep(10);
  }
};
