import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { startStsLocal, type StsLocal } from "@mfa-session/sts-local";

import { CROSS_PROCESS_USER } from "./fixtures/crossProcessUser.js";
import { isolatedEnv } from "./support/peers.js";

const fixture = fileURLToPath(new URL("./fixtures/cachedSessionProcess.ts", import.meta.url));
const testDirectory = fileURLToPath(new URL(".", import.meta.url));

interface ProcessResult {
  exitCode: number | null;
  output: { accessKeyId?: string; code?: string; message?: string; log: string[] };
  stderr: string;
}

describe("file cache across processes", function () {
  this.timeout(60_000);

  let sts: StsLocal;
  let root: string;
  let cacheDirectory: string;
  let codeLog: string;

  beforeEach(async () => {
    sts = await startStsLocal({ users: [CROSS_PROCESS_USER] });
    root = await mkdtemp(join(tmpdir(), "mfa-session-processes-"));
    cacheDirectory = join(root, "cache");
    codeLog = join(root, "codes.log");
  });

  afterEach(async () => {
    await sts.stop();
    await rm(root, { recursive: true, force: true });
  });

  const start = (extra: Record<string, string> = {}): ChildProcess =>
    spawn(process.execPath, ["--conditions=@mfa-session/source", "--import", "tsx", fixture], {
      cwd: testDirectory,
      env: isolatedEnv({ STS_ENDPOINT: sts.endpoint, CACHE_DIRECTORY: cacheDirectory, CODE_LOG: codeLog, ...extra }),
      stdio: ["ignore", "pipe", "pipe"],
    });

  const finish = (child: ChildProcess): Promise<ProcessResult> =>
    new Promise((resolve, reject) => {
      let stdout = "";
      let stderr = "";
      child.stdout?.on("data", (chunk) => (stdout += chunk));
      child.stderr?.on("data", (chunk) => (stderr += chunk));
      child.once("error", reject);
      child.once("close", (exitCode) => {
        const lastLine = stdout.trim().split("\n").pop() ?? "";
        try {
          resolve({ exitCode, output: JSON.parse(lastLine), stderr });
        } catch {
          reject(new Error(`process printed no result (exit code ${exitCode}): ${stdout}\n${stderr}`));
        }
      });
    });

  const run = (extra: Record<string, string> = {}) => finish(start(extra));

  const codeRequests = async (): Promise<number> => {
    const text = await readFile(codeLog, "utf8").catch(() => "");
    return text.split("\n").filter(Boolean).length;
  };

  const waitFor = async (condition: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      assert.ok(Date.now() < deadline, "condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  const assertNoSecrets = (results: ProcessResult[]) => {
    const text = results.map((result) => JSON.stringify(result.output) + result.stderr).join("\n");
    assert.ok(!text.includes(CROSS_PROCESS_USER.secretAccessKey), "the source secret appears in the output");
    assert.ok(!text.includes(CROSS_PROCESS_USER.totpSecret), "the TOTP secret appears in the output");
    assert.doesNotMatch(text, /"sessionToken"|"secretAccessKey"/);
  };

  it("asks one code for two runs in a row", async () => {
    const first = await run({ UMASK: "022" });
    const second = await run({ UMASK: "022" });

    assert.equal(first.exitCode, 0, first.stderr);
    assert.equal(second.exitCode, 0, second.stderr);
    assert.equal(second.output.accessKeyId, first.output.accessKeyId);
    assert.equal(await codeRequests(), 1);
    assert.equal(sts.stats.calls.GetSessionToken, 1);
    assertNoSecrets([first, second]);
  });

  it("keeps files private under umask 022", async () => {
    await run({ UMASK: "022" });

    assert.equal((await stat(cacheDirectory)).mode & 0o777, 0o700);
    const names = await readdir(cacheDirectory);
    assert.equal(names.length, 1);
    assert.equal((await stat(join(cacheDirectory, names[0]))).mode & 0o777, 0o600);
  });

  it("asks one code for eight processes at once", async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => finish(start())));

    for (const result of results) {
      assert.equal(result.exitCode, 0, `${result.output.message ?? ""} ${result.stderr}`);
    }
    assert.equal(new Set(results.map((result) => result.output.accessKeyId)).size, 1);
    assert.equal(await codeRequests(), 1);
    assert.equal(sts.stats.calls.GetSessionToken, 1);
    assertNoSecrets(results);
  });

  it("recovers the lock of a killed process", async () => {
    const staleLockMs = 2_000;
    const holder = start({ HANG_IN_CODE: "true", STALE_LOCK_MS: String(staleLockMs) });
    const holderExit = new Promise((resolve) => holder.once("close", resolve));
    await waitFor(async () => (await codeRequests()) === 1, 20_000);
    holder.kill("SIGKILL");
    await holderExit;
    assert.ok((await readdir(cacheDirectory)).some((name) => name.endsWith(".lock")), "the killed process left its lock");

    const started = Date.now();
    const next = await run({ STALE_LOCK_MS: String(staleLockMs) });
    const elapsedMs = Date.now() - started;

    assert.equal(next.exitCode, 0, `${next.output.message ?? ""} ${next.stderr}`);
    assert.match(next.output.accessKeyId ?? "", /^ASIA/);
    assert.equal(await codeRequests(), 2);
    // Start-up of a child (tsx compiles the sources) takes a few seconds on its own.
    assert.ok(elapsedMs < staleLockMs + 10_000, `took ${elapsedMs} ms`);
  });
});
