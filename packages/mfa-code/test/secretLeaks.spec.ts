import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  commandMfaCode,
  envMfaCode,
  firstAvailable,
  promptMfaCode,
  totpMfaCode,
  ykmanMfaCode,
  type MfaCodeSource,
} from "../src/index.js";
import { errorText, makeContext, makeTempDir, rejectionOf, runFixtureInPty, writeScript } from "./helpers.js";

// Planted values: every error below is produced while one of them is in play, and no error may
// contain any of them. Commands get them from script files, because a message may name the command.
const PLANTED_CODE = "314159";
const PLANTED_LONG_CODE = "27182818";
const PLANTED_SECRET = "PLANTEDSECRETQ7";
const PLANTED_OUTPUT = "PLANTED-OUTPUT-Z9";
const PLANTED = [PLANTED_CODE, PLANTED_LONG_CODE, PLANTED_SECRET, PLANTED_OUTPUT];

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const NO_TTY = { ttyPath: "/nonexistent/tty" };

describe("secret leaks in errors", function () {
  this.timeout(30_000);
  let temp: ReturnType<typeof makeTempDir>;
  const originalPath = process.env.PATH;

  before(() => {
    temp = makeTempDir("leaks");
    process.env.MFA_CODE_TEST_LEAK_SECRET = `${PLANTED_SECRET}!`;
    process.env.MFA_CODE_TEST_LEAK_LONG = PLANTED_LONG_CODE;
    process.env.MFA_CODE_TEST_LEAK_CODE = PLANTED_CODE;
  });

  after(() => {
    delete process.env.MFA_CODE_TEST_LEAK_SECRET;
    delete process.env.MFA_CODE_TEST_LEAK_LONG;
    delete process.env.MFA_CODE_TEST_LEAK_CODE;
    process.env.PATH = originalPath;
    temp.remove();
  });

  const assertNoPlantedValue = (text: string): void => {
    for (const value of PLANTED) {
      assert.ok(!text.includes(value), `found ${value} in:\n${text}`);
    }
  };

  const cases: { name: string; run: () => Promise<unknown> }[] = [
    { name: "invalid secret option", run: () => totpMfaCode({ secret: `${PLANTED_SECRET}!` })(SERIAL) },
    {
      name: "invalid otpauth URI",
      run: () => totpMfaCode({ secret: `otpauth://totp/x?secret=${PLANTED_SECRET}&digits=abc` })(SERIAL),
    },
    {
      name: "invalid secretFile",
      run: () => {
        const path = join(temp.dir, "secret");
        writeFileSync(path, `${PLANTED_SECRET}!\n`);
        return totpMfaCode({ secretFile: path })(SERIAL);
      },
    },
    { name: "invalid secretEnv", run: () => totpMfaCode({ secretEnv: "MFA_CODE_TEST_LEAK_SECRET" })(SERIAL) },
    { name: "malformed env code", run: () => envMfaCode("MFA_CODE_TEST_LEAK_LONG")(SERIAL) },
    {
      name: "reused env code",
      run: async () => {
        const source = envMfaCode("MFA_CODE_TEST_LEAK_CODE");
        await source(SERIAL);
        return source(SERIAL);
      },
    },
    {
      name: "failing command",
      run: () => {
        const script = writeScript(temp.dir, "fail.sh", `echo ${PLANTED_CODE} ${PLANTED_OUTPUT}; echo ${PLANTED_OUTPUT} >&2; exit 3`);
        return commandMfaCode([script], NO_TTY)(SERIAL);
      },
    },
    {
      name: "command printing junk",
      run: () => {
        const script = writeScript(temp.dir, "junk.sh", `echo ${PLANTED_OUTPUT} ${PLANTED_CODE}`);
        return commandMfaCode([script], NO_TTY)(SERIAL);
      },
    },
    {
      name: "command printing long code",
      run: () => {
        const script = writeScript(temp.dir, "long.sh", `echo ${PLANTED_LONG_CODE}`);
        return commandMfaCode([script], NO_TTY)(SERIAL);
      },
    },
    {
      name: "command timing out",
      run: () => {
        const script = writeScript(temp.dir, "hang.sh", `echo ${PLANTED_CODE}; exec sleep 30`);
        return commandMfaCode([script], { ...NO_TTY, timeoutMs: 300 })(SERIAL);
      },
    },
    {
      name: "failing ykman",
      run: () => {
        const ykman = writeScript(temp.dir, "ykman-fail", `echo ${PLANTED_CODE}; echo ${PLANTED_OUTPUT} >&2; exit 1`);
        return ykmanMfaCode({ ...NO_TTY, ykmanPath: ykman })(SERIAL);
      },
    },
    {
      name: "ykman printing junk",
      run: () => {
        const ykman = writeScript(temp.dir, "ykman-junk", `echo ${PLANTED_OUTPUT}`);
        return ykmanMfaCode({ ...NO_TTY, ykmanPath: ykman })(SERIAL);
      },
    },
    {
      name: "all sources unavailable",
      run: () => {
        const sources: MfaCodeSource[] = [
          totpMfaCode({ secretFile: join(temp.dir, "missing-secret") }),
          envMfaCode("MFA_CODE_TEST_LEAK_UNSET"),
          promptMfaCode(NO_TTY),
          commandMfaCode("mfa-code-leak-missing-program", NO_TTY),
        ];
        return firstAvailable(...sources)(SERIAL, makeContext(SERIAL));
      },
    },
  ];

  for (const testCase of cases) {
    it(`no planted value: ${testCase.name}`, async () => {
      const error = await rejectionOf(testCase.run());
      assertNoPlantedValue(errorText(error));
    });
  }

  it("no planted value: prompt junk", async () => {
    const run = await runFixtureInPty({
      env: { FIXTURE_SERIAL: SERIAL },
      steps: [
        { waitFor: "Enter the 6-digit code: ", send: `${PLANTED_LONG_CODE}\r` },
        { waitFor: "Enter the 6-digit code: ", occurrence: 2, send: `${PLANTED_SECRET}\r` },
        { waitFor: "Enter the 6-digit code: ", occurrence: 3, send: `${PLANTED_OUTPUT}\r` },
      ],
    });
    assertNoPlantedValue([run.result.errorMessage ?? "", run.stdout, run.stderr].join("\n"));
  });
});
