import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";

import { STS_LOCAL_DEMO_USER, totpCode } from "../src/index.js";
import { BOB } from "./helpers.js";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI_SOURCE = "packages/sts-local/src/cli.ts";

interface RunningCli {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the CLI from its TypeScript source, the way the tests load every package. */
function startCli(args: string[]): RunningCli {
  const child = spawn(process.execPath, ["--conditions=@mfa-session/source", "--import", "tsx", CLI_SOURCE, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code, signal) => {
      if (signal !== null) output += `\n[test] sts-local was ended by ${signal}`;
      resolve(code);
    }),
  );
  return { child, output: () => output, exited };
}

/** Waits until the CLI prints its endpoint, and returns it. Fails when the CLI exits first. */
async function endpointOf(cli: RunningCli): Promise<string> {
  for (let waited = 0; waited < 15_000; waited += 50) {
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.output());
    if (match) {
      return match[1];
    }
    if (cli.child.exitCode !== null) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`sts-local did not print its endpoint. Output:\n${cli.output()}`);
}

describe("sts-local CLI", () => {
  const running: RunningCli[] = [];
  let configFolder: string | undefined;

  afterEach(async () => {
    for (const cli of running.splice(0)) {
      if (cli.child.exitCode === null) {
        cli.child.kill("SIGKILL");
        await cli.exited;
      }
    }
    if (configFolder) {
      rmSync(configFolder, { recursive: true, force: true });
      configFolder = undefined;
    }
  });

  function run(args: string[]): RunningCli {
    const cli = startCli(args);
    running.push(cli);
    return cli;
  }

  it("serves the demo user", async () => {
    const cli = run([]);
    const endpoint = await endpointOf(cli);
    const client = new STSClient({ region: "eu-west-1", endpoint, credentials: STS_LOCAL_DEMO_USER, maxAttempts: 1 });
    const response = await client.send(
      new GetSessionTokenCommand({
        SerialNumber: STS_LOCAL_DEMO_USER.mfaSerial,
        TokenCode: totpCode(STS_LOCAL_DEMO_USER.totpSecret, Date.now()),
      }),
    );
    assert.match(response.Credentials?.AccessKeyId ?? "", /^ASIA/);
    assert.match(cli.output(), /MFA serial number: arn:aws:iam::123456789012:mfa\/demo/);
  });

  it("stops on SIGTERM", async () => {
    const cli = run([]);
    await endpointOf(cli);
    cli.child.kill("SIGTERM");
    assert.equal(await cli.exited, 0, cli.output());
    assert.match(cli.output(), /sts-local: stopped/);
  });

  it("stops on SIGINT", async () => {
    const cli = run([]);
    await endpointOf(cli);
    cli.child.kill("SIGINT");
    assert.equal(await cli.exited, 0, cli.output());
  });

  it("reads users from --config", async () => {
    configFolder = mkdtempSync(join(tmpdir(), "sts-local-cli-"));
    const configFile = join(configFolder, "config.json");
    writeFileSync(configFile, JSON.stringify({ users: [BOB], disabledRegions: ["ap-east-1"] }));
    const cli = run(["--config", configFile]);
    const endpoint = await endpointOf(cli);
    const client = new STSClient({ region: "eu-west-1", endpoint, credentials: BOB, maxAttempts: 1 });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/bob");
    assert.doesNotMatch(cli.output(), /demo user/);
  });

  it("prints help", async () => {
    const cli = run(["--help"]);
    assert.equal(await cli.exited, 0);
    assert.match(cli.output(), /--port PORT/);
  });

  it("rejects an invalid port", async () => {
    const cli = run(["--port", "http"]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.output(), /Invalid --port "http"/);
  });

  it("rejects an unknown option", async () => {
    const cli = run(["--verbose"]);
    assert.equal(await cli.exited, 2);
  });

  it("rejects a config without users", async () => {
    configFolder = mkdtempSync(join(tmpdir(), "sts-local-cli-"));
    const configFile = join(configFolder, "config.json");
    writeFileSync(configFile, JSON.stringify({ user: [] }));
    const cli = run(["--config", configFile]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.output(), /"users" array/);
  });
});
