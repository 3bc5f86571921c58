import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { loadMfaProfile } from "@mfa-session/credential-provider";
import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";

import {
  CALLER_IDENTITY_PROGRAM,
  CLI_LAUNCHER,
  CLI_USER,
  launcherCommandLine,
  makeCliHome,
  runLauncher,
  runProcess,
  TOTP_SECRET_VARIABLE,
  writeDevProfiles,
  type CliHome,
} from "./fixtures/cli/harness.js";

const CALLER_ARN = "arn:aws:iam::123456789012:user/carol";
const TOTP_ARGS = ["--totp-secret-env", TOTP_SECRET_VARIABLE];

interface CallerIdentityOutput {
  arn: string;
  accessKeyId: string;
  variables: string[];
  environmentValues: string[];
}

describe("mfa-session CLI with sts-local", function () {
  this.timeout(60_000);

  let sts: StsLocal;
  let home: CliHome;

  beforeEach(async () => {
    sts = await startStsLocal({ users: [CLI_USER] });
    home = await makeCliHome();
    await writeDevProfiles(home, sts.endpoint, launcherCommandLine("credential-process", "--profile", "dev", ...TOTP_ARGS));
  });

  afterEach(async () => {
    await sts.stop();
    await home.remove();
  });

  const withSecret = (extra: Record<string, string> = {}) => home.env({ [TOTP_SECRET_VARIABLE]: CLI_USER.totpSecret, ...extra });

  describe("credential-process", () => {
    it("prints credential_process JSON", async () => {
      const run = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(run.status, 0, run.stderr);
      const document = JSON.parse(run.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(document), ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]);
      assert.equal(document.Version, 1);
      assert.match(String(document.AccessKeyId), /^ASIA/);
      assert.match(String(document.Expiration), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Date.parse(String(document.Expiration)) > Date.now());
      assert.equal(run.stdout.trim().split("\n").length, 1, "stdout holds the JSON line only");
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("reuses the cached session", async () => {
      const first = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });
      const second = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(second.status, 0, second.stderr);
      assert.equal(JSON.parse(second.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId);
      assert.equal(sts.stats.codesAccepted, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 1);
      assert.equal((await readdir(home.cacheDirectory)).filter((name) => name.endsWith(".json")).length, 1);
    });

    it("skips the cache with --no-cache", async () => {
      const args = ["credential-process", "--profile", "dev", "--no-cache", "--mfa-code"];
      const first = await runLauncher([...args, totpCodeAt(Date.now() - 30_000)], { env: home.env() });
      const second = await runLauncher([...args, totpCodeAt(Date.now())], { env: home.env() });

      assert.equal(first.status, 0, first.stderr);
      assert.equal(second.status, 0, second.stderr);
      assert.notEqual(JSON.parse(second.stdout).AccessKeyId, JSON.parse(first.stdout).AccessKeyId);
      assert.equal(sts.stats.codesAccepted, 2);
      assert.match(first.stderr, /--mfa-code leaves the code in your shell history/);
      await assert.rejects(readdir(home.cacheDirectory), { code: "ENOENT" });
    });

    it("uses --cache-dir", async () => {
      const cacheDirectory = join(home.root, "elsewhere");
      const run = await runLauncher(["credential-process", "--profile", "dev", "--cache-dir", cacheDirectory, ...TOTP_ARGS], {
        env: withSecret(),
      });

      assert.equal(run.status, 0, run.stderr);
      assert.equal((await readdir(cacheDirectory)).filter((name) => name.endsWith(".json")).length, 1);
    });

    it("fails at once without terminal", async () => {
      const run = await runLauncher(["credential-process", "--profile", "dev"], { env: home.env(), withoutTerminal: true });

      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, /No MFA code source is available for profile dev/);
      assert.match(run.stderr, /--totp-secret-env NAME, --code-command CMD or --mfa-code CODE, or set mfa_process/);
      assert.ok(run.elapsedMs < 10_000, `took ${run.elapsedMs} ms`);
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("fails without mfa_serial", async () => {
      const config = await readFile(home.configFile, "utf8");
      await home.writeConfig(config.replace(`mfa_serial = ${CLI_USER.mfaSerial}\n`, ""));

      const run = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.match(run.stderr, /Profile dev has no mfa_serial/);
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("runs the profile's mfa_process", async () => {
      const codeScript = `${process.execPath} -e 'console.log(process.argv[1])' ${totpCodeAt(Date.now())}`;
      const config = await readFile(home.configFile, "utf8");
      await home.writeConfig(config.replace("[profile dev]\n", `[profile dev]\nmfa_process = ${codeScript}\n`));

      const run = await runLauncher(["credential-process", "--profile", "dev"], { env: home.env(), withoutTerminal: true });

      assert.equal(run.status, 0, run.stderr);
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("explains a rejected code", async () => {
      const run = await runLauncher(["credential-process", "--profile", "dev", "--mfa-code", "000000"], {
        env: home.env(),
        withoutTerminal: true,
      });

      assert.equal(run.status, 1);
      const lines = run.stderr.trim().split("\n");
      assert.deepEqual(
        lines.map((line) => line.replace(/:.*/, "")),
        ["mfa-session warning", "mfa-session warning", "mfa-session credential-process"],
        run.stderr,
      );
      assert.match(lines[1]!, /STS rejected the MFA code/);
      assert.match(lines[2]!, /STS rejected the given MFA code, and no other code source is available/);
      assert.match(lines[2]!, /--mfa-code: code already sent; terminal prompt: no terminal\. Run the command in a terminal/);
    });

    it("passes endpoint, region and duration", async () => {
      const config = await readFile(home.configFile, "utf8");
      await home.writeConfig(config.replace(`endpoint_url = ${sts.endpoint}\n`, ""));

      const run = await runLauncher(
        ["credential-process", "--profile", "dev", "--endpoint-url", sts.endpoint, "--region", "ap-southeast-2", "--duration-seconds", "900", ...TOTP_ARGS],
        { env: withSecret() },
      );

      assert.equal(run.status, 0, run.stderr);
      const remainingMs = Date.parse(JSON.parse(run.stdout).Expiration) - Date.now();
      assert.ok(remainingMs > 850_000, `session ends in ${remainingMs} ms`);
      assert.ok(remainingMs <= 900_000, `session ends in ${remainingMs} ms`);
      assert.equal(sts.requests.find((request) => request.action === "GetSessionToken")?.region, "ap-southeast-2");
    });

    it("requires --profile", async () => {
      const run = await runLauncher(["credential-process"], { env: home.env({ AWS_PROFILE: "dev-mfa" }) });

      assert.equal(run.status, 2);
      assert.match(run.stderr, /--profile is required/);
    });

    it("writes debug lines without secrets", async () => {
      const run = await runLauncher(["credential-process", "--profile", "dev", "--debug", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /mfa-session debug: .*code sources in order: --totp-secret-env/);
      const session = JSON.parse(run.stdout) as Record<string, string>;
      for (const secret of [CLI_USER.secretAccessKey, CLI_USER.totpSecret, session.SecretAccessKey!, session.SessionToken!]) {
        assert.ok(!run.stderr.includes(secret), "stderr contains a secret");
      }
    });

    it("reads the serial without inline comment", async () => {
      const config = await readFile(home.configFile, "utf8");
      await home.writeConfig(config.replace(`mfa_serial = ${CLI_USER.mfaSerial}`, `mfa_serial = ${CLI_USER.mfaSerial} # carol's phone`));

      const profile = await withEnvironment(home.env(), () => loadMfaProfile({ profile: "dev" }));
      const run = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(profile.serialNumber, CLI_USER.mfaSerial);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(sts.stats.codesAccepted, 1);
    });
  });

  describe("env", () => {
    it("exports a working session for sh", async () => {
      const env = await runLauncher(["env", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });
      assert.equal(env.status, 0, env.stderr);

      const parentEnv = withSecret({
        AWS_ACCESS_KEY_ID: CLI_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CLI_USER.secretAccessKey,
        AWS_PROFILE: "dev",
      });
      const script = `${env.stdout}\nexec "$0" "$@"`;
      const run = await runProcess("sh", ["-c", script, process.execPath, CALLER_IDENTITY_PROGRAM, sts.endpoint], { env: parentEnv });

      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as CallerIdentityOutput;
      assert.equal(output.arn, CALLER_ARN);
      assert.match(output.accessKeyId, /^ASIA/);
      assert.ok(!output.variables.includes("AWS_PROFILE"));
      assert.ok(output.variables.includes("AWS_CREDENTIAL_EXPIRATION"));
      assert.ok(!output.environmentValues.includes(CLI_USER.secretAccessKey), "long-term secret in the environment");
      assert.ok(!env.stdout.includes(CLI_USER.accessKeyId), "env printed the long-term key id");
      assert.equal(sts.stats.calls.GetCallerIdentity, 1);
      assert.equal(sts.requests.find((request) => request.action === "GetCallerIdentity")?.mfaAuthenticated, true);
    });

    it("prints JSON variables", async () => {
      const run = await runLauncher(["env", "--profile", "dev", "--format", "json", ...TOTP_ARGS], { env: withSecret() });

      assert.equal(run.status, 0, run.stderr);
      const variables = JSON.parse(run.stdout) as Record<string, string>;
      assert.deepEqual(Object.keys(variables).sort(), [
        "AWS_ACCESS_KEY_ID",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
      ]);
      assert.equal(variables.AWS_REGION, "eu-west-1");
    });

    it("fails in one line on a full stdout", async () => {
      const full = openSync("/dev/full", "w");
      try {
        // Asynchronous, because sts-local runs in this process and must keep serving requests.
        const child = spawn(process.execPath, [CLI_LAUNCHER, "env", "--profile", "dev", ...TOTP_ARGS], {
          env: withSecret(),
          stdio: ["ignore", full, "pipe"],
        });
        let stderr = "";
        child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));

        assert.equal(status, 1);
        assert.equal(stderr.trim().split("\n").length, 1, stderr);
        assert.match(stderr, /could not write to standard output \(ENOSPC\)/);
      } finally {
        closeSync(full);
      }
    });

    it("rejects an unknown format", async () => {
      const run = await runLauncher(["env", "--profile", "dev", "--format", "csh"], { env: home.env() });

      assert.equal(run.status, 2);
      assert.match(run.stderr, /invalid --format "csh": expected one of sh, fish, powershell, json/);
    });
  });

  describe("exec", () => {
    const longTermEnv = () =>
      withSecret({
        AWS_ACCESS_KEY_ID: CLI_USER.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CLI_USER.secretAccessKey,
        AWS_PROFILE: "dev",
        AWS_DEFAULT_PROFILE: "dev",
      });

    it("runs a command with the session", async () => {
      const run = await runLauncher(["exec", "--profile", "dev", ...TOTP_ARGS, "--", process.execPath, CALLER_IDENTITY_PROGRAM, sts.endpoint], {
        env: longTermEnv(),
      });

      assert.equal(run.status, 0, run.stderr);
      const output = JSON.parse(run.stdout) as CallerIdentityOutput;
      assert.equal(output.arn, CALLER_ARN);
      assert.match(output.accessKeyId, /^ASIA/);
      assert.ok(!output.variables.includes("AWS_PROFILE"));
      assert.ok(!output.variables.includes("AWS_DEFAULT_PROFILE"));
      assert.ok(output.variables.includes("AWS_SESSION_TOKEN"));
      assert.ok(!output.environmentValues.includes(CLI_USER.accessKeyId), "long-term key id in the environment");
      assert.ok(!output.environmentValues.includes(CLI_USER.secretAccessKey), "long-term secret in the environment");
      assert.equal(sts.requests.find((request) => request.action === "GetCallerIdentity")?.mfaAuthenticated, true);
    });

    it("passes the exit status through", async () => {
      const run = await runLauncher(
        ["exec", "--profile", "dev", ...TOTP_ARGS, "--", process.execPath, CALLER_IDENTITY_PROGRAM, sts.endpoint, "7"],
        { env: longTermEnv() },
      );

      assert.equal(run.status, 7, run.stderr);
    });

    it("exits 127 for a missing command", async () => {
      const run = await runLauncher(["exec", "--profile", "dev", ...TOTP_ARGS, "--", "mfa-session-no-such-command"], { env: longTermEnv() });

      assert.equal(run.status, 127);
      assert.match(run.stderr, /could not run mfa-session-no-such-command: command not found/);
    });

    it("requires a command after --", async () => {
      const run = await runLauncher(["exec", "--profile", "dev"], { env: home.env() });

      assert.equal(run.status, 2);
      assert.match(run.stderr, /no command given: put it after --/);
    });

    for (const [signal, number] of [["SIGTERM", 15], ["SIGINT", 2], ["SIGHUP", 1]] as const) {
      it(`forwards ${signal}`, async () => {
        const status = await runExecUntilSignal(signal, withSecret());

        assert.equal(status, 128 + number);
      });
    }
  });

  describe("status and clear", () => {
    it("fails on a file as cache directory", async () => {
      const notADirectory = join(home.configFile, "..", "not-a-directory");
      await writeFile(notADirectory, "x");

      const clear = await runLauncher(["clear", "--cache-dir", notADirectory], { env: home.env() });
      const status = await runLauncher(["status", "--cache-dir", join(notADirectory, "sub")], { env: home.env() });

      assert.equal(clear.status, 1);
      assert.match(clear.stderr, /is not a directory/);
      assert.equal(status.status, 1);
      assert.match(status.stderr, /ENOTDIR/);
    });

    it("creates no directory for status", async () => {
      const missing = join(home.configFile, "..", "never-created");

      const run = await runLauncher(["status", "--cache-dir", missing], { env: home.env() });

      assert.equal(run.status, 0, run.stderr);
      await assert.rejects(readdir(missing), { code: "ENOENT" });
    });

    it("lists sessions without secrets", async () => {
      const session = await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });
      const run = await runLauncher(["status"], { env: home.env() });

      assert.equal(run.status, 0, run.stderr);
      const [header, row, ...rest] = run.stdout.trim().split("\n");
      assert.match(header!, /^PROFILE\s+MFA SERIAL\s+REGION\s+EXPIRES \(UTC\)\s+LEFT$/);
      assert.match(row!, new RegExp(`^dev\\s+${CLI_USER.mfaSerial}\\s+eu-west-1\\s+\\S+Z\\s+11h 5\\dm$`));
      assert.deepEqual(rest, []);
      const { AccessKeyId, SecretAccessKey, SessionToken } = JSON.parse(session.stdout) as Record<string, string>;
      for (const secret of [CLI_USER.accessKeyId, CLI_USER.secretAccessKey, AccessKeyId!, SecretAccessKey!, SessionToken!]) {
        assert.ok(!run.stdout.includes(secret), "status shows a key or token");
      }
    });

    it("clears every session", async () => {
      await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      const run = await runLauncher(["clear"], { env: home.env() });

      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout, "Removed 1 cached session.\n");
      assert.deepEqual((await readdir(home.cacheDirectory)).filter((name) => name.endsWith(".json")), []);
    });

    it("clears one profile", async () => {
      await runLauncher(["credential-process", "--profile", "dev", ...TOTP_ARGS], { env: withSecret() });

      const other = await runLauncher(["clear", "--profile", "other"], { env: home.env() });
      const dev = await runLauncher(["clear", "--profile", "dev"], { env: home.env() });
      const status = await runLauncher(["status"], { env: home.env() });

      assert.equal(other.stdout, "Removed 0 cached sessions of profile other.\n");
      assert.equal(dev.stdout, "Removed 1 cached session of profile dev.\n");
      assert.match(status.stdout, /^No cached sessions in /);
    });
  });
});

/** The test user's code for the time step of `timeMs`, from sts-local's own TOTP implementation. */
const totpCodeAt = (timeMs: number): string => totpCode(CLI_USER.totpSecret, timeMs);

/** Runs `exec` on a command that waits, sends `signal` to the CLI, and resolves with its exit status. */
const runExecUntilSignal = (signal: NodeJS.Signals, env: NodeJS.ProcessEnv): Promise<number | null> =>
  new Promise((resolve, reject) => {
    const waiter = "process.stdout.write('ready\\n'); setInterval(() => {}, 1000);";
    const child = spawn(process.execPath, [CLI_LAUNCHER, "exec", "--profile", "dev", ...TOTP_ARGS, "--", process.execPath, "-e", waiter], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("ready")) child.kill(signal);
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`exec did not end after ${signal}. stderr: ${stderr}`));
    }, 20_000);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve(status);
    });
  });

/** Runs `action` with `process.env` replaced by `env`, for in-process calls of the loader. */
const withEnvironment = async <T>(env: NodeJS.ProcessEnv, action: () => Promise<T>): Promise<T> => {
  const saved = process.env;
  process.env = env;
  try {
    return await action();
  } finally {
    process.env = saved;
  }
};
