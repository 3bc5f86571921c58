import assert from "node:assert/strict";
import { spawn } from "node:child_process";

import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";

import { AWS_CLI_V2, BOTO3_CALLER_IDENTITY, requireAwsCliV2, requireBoto3 } from "./fixtures/cli/consumers.js";
import {
  CLI_USER,
  launcherCommandLine,
  makeCliHome,
  runProcess,
  TOTP_SECRET_VARIABLE,
  writeDevProfiles,
  type CliHome,
  type ProcessRun,
} from "./fixtures/cli/harness.js";
import { requirePeer, startMotoServer, type RunningPeer } from "./support/peers.js";

const CREDENTIAL_PROCESS = launcherCommandLine("credential-process", "--profile", "dev", "--totp-secret-env", TOTP_SECRET_VARIABLE);

/** One program that reads `credential_process` and calls STS GetCallerIdentity with profile dev-mfa. */
interface Consumer {
  name: string;
  require(context: Mocha.Context): void;
  run(home: CliHome, endpoint: string): Promise<ProcessRun>;
}

const consumerEnv = (home: CliHome, endpoint: string): NodeJS.ProcessEnv =>
  home.env({ [TOTP_SECRET_VARIABLE]: CLI_USER.totpSecret, AWS_ENDPOINT_URL_STS: endpoint });

const CONSUMERS: Consumer[] = [
  {
    name: "AWS CLI v1",
    require: (context) => requirePeer(context, "aws", "pip install awscli"),
    run: (home, endpoint) =>
      // --endpoint-url as well as AWS_ENDPOINT_URL_STS, so that an older aws first on PATH still calls 127.0.0.1.
      runProcess("aws", ["sts", "get-caller-identity", "--profile", "dev-mfa", "--output", "json", "--endpoint-url", endpoint], {
        env: consumerEnv(home, endpoint),
      }),
  },
  {
    name: "AWS CLI v2",
    require: requireAwsCliV2,
    // NOTE: Debian bookworm ships AWS CLI 2.9, which predates AWS_ENDPOINT_URL_STS (2.13), so the
    // endpoint is also given on the command line.
    run: (home, endpoint) =>
      runProcess(AWS_CLI_V2, ["sts", "get-caller-identity", "--profile", "dev-mfa", "--output", "json", "--endpoint-url", endpoint], {
        env: consumerEnv(home, endpoint),
      }),
  },
  {
    name: "boto3",
    require: requireBoto3,
    run: (home, endpoint) => runProcess("python3", ["-c", BOTO3_CALLER_IDENTITY], { env: consumerEnv(home, endpoint) }),
  },
];

// moto_server logs one line per request it served.
const countPosts = (log: string): number => (log.match(/"POST \/ HTTP\/1\.1" 200/g) ?? []).length;

/**
 * Returns the number of requests moto_server logged since `before`, once it reaches `expected` or
 * 3 s have passed. moto writes the log line after the response, so the last line can lag behind.
 */
const postsSince = async (moto: RunningPeer, before: number, expected: number): Promise<number> => {
  const deadline = Date.now() + 3_000;
  while (countPosts(moto.output()) - before < expected && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return countPosts(moto.output()) - before;
};

describe("mfa-session credential-process in AWS CLI and boto3", function () {
  this.timeout(120_000);

  let home: CliHome;

  beforeEach(async () => {
    home = await makeCliHome();
  });

  afterEach(async () => {
    await home.remove();
  });

  describe("with sts-local", () => {
    let sts: StsLocal;

    beforeEach(async () => {
      sts = await startStsLocal({ users: [CLI_USER] });
      await writeDevProfiles(home, sts.endpoint, CREDENTIAL_PROCESS);
    });

    afterEach(async () => {
      await sts.stop();
    });

    for (const consumer of CONSUMERS) {
      it(`${consumer.name} asks one code for two runs`, async function () {
        consumer.require(this);

        const first = await consumer.run(home, sts.endpoint);
        const second = await consumer.run(home, sts.endpoint);

        assert.equal(first.status, 0, first.stderr);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(JSON.parse(first.stdout).Arn, "arn:aws:iam::123456789012:user/carol");
        assert.equal(JSON.parse(second.stdout).Arn, "arn:aws:iam::123456789012:user/carol");
        assert.equal(sts.stats.codesAccepted, 1);
        assert.equal(sts.stats.calls.GetSessionToken, 1);
        const identityCalls = sts.requests.filter((request) => request.action === "GetCallerIdentity");
        assert.equal(identityCalls.length, 2);
        assert.ok(identityCalls.every((request) => request.mfaAuthenticated && request.accessKeyId?.startsWith("ASIA")));
      });
    }

    it("prompts through a pseudo-terminal", async function () {
      requirePeer(this, "aws", "pip install awscli");
      requirePeer(this, "script", "apt-get install util-linux");
      await writeDevProfiles(home, sts.endpoint, launcherCommandLine("credential-process", "--profile", "dev"));

      const command = `aws sts get-caller-identity --profile dev-mfa --output json --endpoint-url ${sts.endpoint}`;
      const screen = await runInTerminal(command, home.env({ AWS_ENDPOINT_URL_STS: sts.endpoint }), {
        waitFor: "Enter the 6-digit code: ",
        send: () => `${totpCode(CLI_USER.totpSecret, Date.now())}\r`,
      });

      assert.match(screen, /arn:aws:iam::123456789012:mfa\/carol/);
      assert.match(screen, /"Arn": "arn:aws:iam::123456789012:user\/carol"/);
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("AWS CLI shows the failure line", async function () {
      requirePeer(this, "aws", "pip install awscli");
      await writeDevProfiles(home, sts.endpoint, launcherCommandLine("credential-process", "--profile", "dev"));

      const run = await runProcess("aws", ["sts", "get-caller-identity", "--profile", "dev-mfa"], {
        env: home.env({ AWS_ENDPOINT_URL_STS: sts.endpoint }),
        withoutTerminal: true,
      });

      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /No MFA code source is available for profile dev .*terminal prompt: no terminal/);
      assert.ok(run.elapsedMs < 15_000, `took ${run.elapsedMs} ms`);
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("AWS CLI keeps inline comments", async function () {
      requirePeer(this, "aws", "pip install awscli");
      const config = `[profile commented]\nmfa_serial = ${CLI_USER.mfaSerial} # carol's phone\n`;
      await home.writeConfig(config);

      const run = await runProcess("aws", ["configure", "get", "mfa_serial", "--profile", "commented"], { env: home.env() });

      // The JS SDK's loader strips " # …", so mfa-session reads the serial alone (see cliStsLocal.spec.ts).
      assert.equal(run.stdout.trim(), `${CLI_USER.mfaSerial} # carol's phone`);
    });
  });

  describe("with moto_server", () => {
    let moto: RunningPeer;

    before(async function () {
      requirePeer(this, "moto_server", "pip install 'moto[server]'");
      moto = await startMotoServer();
    });

    after(async () => {
      await moto?.stop();
    });

    beforeEach(async () => {
      await writeDevProfiles(home, moto.endpoint, CREDENTIAL_PROCESS);
    });

    for (const consumer of CONSUMERS) {
      it(`${consumer.name} asks one code for two runs`, async function () {
        consumer.require(this);
        const postsBefore = countPosts(moto.output());

        const first = await consumer.run(home, moto.endpoint);
        const second = await consumer.run(home, moto.endpoint);

        assert.equal(first.status, 0, first.stderr);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(JSON.parse(first.stdout).Account, "123456789012");
        assert.equal(JSON.parse(second.stdout).Arn, JSON.parse(first.stdout).Arn);
        assert.equal(await postsSince(moto, postsBefore, 3), 3, "one GetSessionToken and two GetCallerIdentity requests");
      });
    }
  });
});

/** Keystrokes typed once the screen shows `waitFor`. */
interface TerminalInput {
  waitFor: string;
  send: () => string;
}

/**
 * Runs a shell command under `script`, which gives it a pseudo-terminal as controlling terminal,
 * types `input` when asked, and resolves with everything the terminal showed.
 */
const runInTerminal = (command: string, env: NodeJS.ProcessEnv, input: TerminalInput): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn("script", ["-qfec", command, "/dev/null"], { env: { ...env, SHELL: "/bin/sh" }, stdio: ["pipe", "pipe", "pipe"] });
    let screen = "";
    let typed = false;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      screen += chunk;
      if (!typed && screen.includes(input.waitFor)) {
        typed = true;
        child.stdin.write(input.send());
      }
    });
    child.stderr.resume();

    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not finish within 30 s. Screen so far:\n${screen}`));
    }, 30_000);
    child.once("close", (status) => {
      clearTimeout(timer);
      child.stdin.end();
      if (status === 0) resolve(screen);
      else reject(new Error(`${command} exited with ${status}. Screen:\n${screen}`));
    });
  });
