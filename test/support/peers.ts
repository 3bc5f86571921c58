import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";

/** A program the tests run as a real peer, such as moto_server. */
export interface RunningPeer {
  endpoint: string;
  output(): string;
  stop(): Promise<void>;
}

/** Returns a TCP port that was free on 127.0.0.1 a moment ago. */
export const freeLoopbackPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });

/** Tells whether a program is on PATH. */
export const isInstalled = (program: string): boolean =>
  spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;

/**
 * Skips the calling suite when `program` is missing on a developer's machine, and fails it in CI,
 * where every real peer must run.
 */
export const requirePeer = (context: Mocha.Context, program: string, installHint: string): void => {
  if (isInstalled(program)) {
    return;
  }
  const message = `${program} not found on PATH; install it with: ${installHint}`;
  if (process.env.CI === "true") {
    throw new Error(`${message} (CI=true, so peer tests may not be skipped)`);
  }
  console.warn(`    skipped: ${message}`);
  context.skip();
};

/** Environment for a peer process: test-only settings, no real credentials, no metadata service. */
export const isolatedEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ["PATH", "HOME", "LANG", "TMPDIR", "PYENV_ROOT", "PYENV_VERSION"]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return { ...env, AWS_EC2_METADATA_DISABLED: "true", ...extra };
};

const waitForHttp = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`peer exited with code ${child.exitCode} before answering on ${url}`);
    }
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`peer did not answer on ${url} within ${timeoutMs} ms`);
};

/** Starts moto_server on a free loopback port and waits until it responds. */
export const startMotoServer = async (): Promise<RunningPeer> => {
  const port = await freeLoopbackPort();
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: isolatedEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/moto-api/`, child, 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`moto_server failed to start: ${(error as Error).message}\n${output}`);
  }

  return {
    endpoint,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
};
