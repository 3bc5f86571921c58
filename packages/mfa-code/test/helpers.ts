import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import type { MfaCodeContext, MfaCodeReason } from "@mfa-session/credential-provider";

/** Root of the monorepo, where `tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const FIXTURE_PATH = fileURLToPath(new URL("./fixtures/sourceFixture.ts", import.meta.url));

/** Environment for every child process of the tests, with the EC2 instance metadata service disabled. */
export const baseEnv = (): NodeJS.ProcessEnv => ({ ...process.env, AWS_EC2_METADATA_DISABLED: "true" });

/** Creates a temporary directory and returns it with a function that removes it. */
export const makeTempDir = (prefix: string): { dir: string; remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), `mfa-code-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** Writes an executable `/bin/sh` script and returns its path. */
export const writeScript = (dir: string, name: string, body: string): string => {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};

/** Builds a context as fromMfaSession passes it. */
export const makeContext = (serialNumber: string, overrides: Partial<MfaCodeContext> = {}): MfaCodeContext => ({
  reason: "initial" as MfaCodeReason,
  attempt: 1,
  maxAttempts: 3,
  serialNumber,
  deadline: new Date(Date.now() + 60_000),
  signal: new AbortController().signal,
  ...overrides,
});

/** Returns the rejection of `promise`, failing when it resolves. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<Error & { code?: string; unavailable?: boolean }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; unavailable?: boolean };
  }
  throw new Error("Expected a rejection, but the promise resolved.");
};

/** Returns the error thrown by `action`, failing when it returns. */
export const thrownBy = (action: () => unknown): Error & { code?: string; unavailable?: boolean } => {
  try {
    action();
  } catch (error) {
    return error as Error & { code?: string; unavailable?: boolean };
  }
  throw new Error("Expected an exception, but the call returned.");
};

/** Everything an error exposes as text: message, stack, properties and the whole cause chain. */
export const errorText = (error: unknown): string => {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, current.stack ?? "", JSON.stringify({ ...current }));
      if (current instanceof AggregateError) {
        parts.push(...current.errors.map(errorText));
      }
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join("\n");
};

const quoteForShell = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Outcome of the source fixture, as it writes it to its result file. */
export interface FixtureResult {
  codes?: string[];
  errorCode?: string;
  errorMessage?: string;
  unavailable?: boolean;
  elapsedMs: number;
  stdinRest: string | null;
}

/** One keystroke sequence sent once the screen shows `waitFor` for the `occurrence`-th time. */
export interface PtyStep {
  waitFor: string;
  occurrence?: number;
  send: string;
}

/** Settings of {@link runFixtureInPty}. */
export interface PtyRunOptions {
  /** FIXTURE_* variables of the fixture. */
  env?: Record<string, string>;
  /** Text piped to the fixture's stdin. Without it, stdin is the terminal. */
  pipedStdin?: string;
  steps?: PtyStep[];
}

/** What a person at the terminal saw, and what the fixture reported and printed. */
export interface PtyRun {
  screen: string;
  result: FixtureResult;
  stdout: string;
  stderr: string;
}

const countOccurrences = (text: string, search: string): number => text.split(search).length - 1;

/**
 * Runs the source fixture under `script`, which gives it a real pseudo-terminal as controlling
 * terminal. The fixture's stdout and stderr go to files, and its stdin is a pipe when
 * `pipedStdin` is set. Keystrokes are written to the terminal as a person would type them.
 */
export const runFixtureInPty = async (options: PtyRunOptions = {}): Promise<PtyRun> => {
  const temp = makeTempDir("pty");
  try {
    const files = {
      result: join(temp.dir, "result.json"),
      stdout: join(temp.dir, "stdout.txt"),
      stderr: join(temp.dir, "stderr.txt"),
      stdin: join(temp.dir, "stdin.txt"),
    };
    const node = `node --conditions=@mfa-session/source --import tsx ${quoteForShell(FIXTURE_PATH)}`;
    const redirects = `>${quoteForShell(files.stdout)} 2>${quoteForShell(files.stderr)}`;
    let command = `${node} ${redirects}`;
    if (options.pipedStdin !== undefined) {
      writeFileSync(files.stdin, options.pipedStdin);
      command = `cat ${quoteForShell(files.stdin)} | ${command}`;
    }

    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      cwd: REPO_ROOT,
      env: { ...baseEnv(), ...options.env, SHELL: "/bin/sh", FIXTURE_RESULT_FILE: files.result },
      stdio: ["pipe", "pipe", "pipe"],
    });

    let screen = "";
    const steps = [...(options.steps ?? [])];
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      screen += chunk;
      while (steps[0] !== undefined && countOccurrences(screen, steps[0].waitFor) >= (steps[0].occurrence ?? 1)) {
        child.stdin.write(steps.shift()?.send ?? "");
      }
    });
    child.stderr.resume();

    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`The source fixture did not finish within 15 s. Screen so far:\n${screen}`));
      }, 15_000);
      child.on("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    child.stdin.end();

    return {
      screen,
      result: JSON.parse(readFileSync(files.result, "utf8")) as FixtureResult,
      stdout: readFileSync(files.stdout, "utf8"),
      stderr: readFileSync(files.stderr, "utf8"),
    };
  } finally {
    temp.remove();
  }
};

/** What the fixture reported and printed when run without a terminal. */
export interface DetachedRun {
  result: FixtureResult;
  stdout: string;
  stderr: string;
}

/**
 * Runs the source fixture with `setsid`, so it has no controlling terminal. Its stdin is empty and
 * its stdout and stderr are pipes read by the test.
 */
export const runFixtureWithoutTerminal = async (env: Record<string, string> = {}): Promise<DetachedRun> => {
  const temp = makeTempDir("notty");
  try {
    const resultFile = join(temp.dir, "result.json");
    const child = spawn(
      "setsid",
      ["-w", "node", "--conditions=@mfa-session/source", "--import", "tsx", FIXTURE_PATH],
      {
        cwd: REPO_ROOT,
        env: { ...baseEnv(), ...env, FIXTURE_RESULT_FILE: resultFile },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    await new Promise<void>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", () => resolve());
    });
    return { result: JSON.parse(readFileSync(resultFile, "utf8")) as FixtureResult, stdout, stderr };
  } finally {
    temp.remove();
  }
};
