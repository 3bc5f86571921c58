import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { closeSync } from "node:fs";

import { systemErrorCode } from "./errors.js";
import { openTerminalInput, openTerminalOutput } from "./terminal.js";

/** Command to run and its limits. @internal */
export interface CommandRequest {
  /** Command line run through `/bin/sh -c`, or program and arguments run without a shell. */
  command: string | readonly string[];
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  ttyPath: string | undefined;
}

/** Outcome of a command run. Its stdout is only present after an exit. @internal */
export type CommandOutcome =
  | { kind: "exited"; exitCode: number; stdout: string }
  | { kind: "signaled"; signal: string }
  | { kind: "timeout" }
  | { kind: "aborted" }
  | { kind: "output-too-large" }
  | { kind: "spawn-failed"; errno: string; error: unknown };

// Maximum stdout kept from a command, in bytes. A code is 6 bytes, so more means the wrong command.
const MAX_STDOUT_BYTES = 64 * 1024;

// Time to wait for the end of stdout after the command exited, in milliseconds.
const OUTPUT_GRACE_MS = 1000;

// Time between SIGTERM and SIGKILL for a command that has to be stopped, in milliseconds.
const KILL_GRACE_MS = 2000;

interface ChildStdio {
  stdio: StdioOptions;
  /** Closes this process's copies of the terminal descriptors once the child has its own. */
  close: () => void;
}

/**
 * Gives the child the terminal as stdin and stderr, so a program that prompts for a password
 * or prints a hint reaches the person. Without a terminal, stdin is empty and stderr is discarded.
 */
const openChildStdio = (ttyPath: string | undefined): ChildStdio => {
  const input = openTerminalInput(ttyPath);
  const output = openTerminalOutput(ttyPath);
  return {
    stdio: [input.ok ? input.fd : "ignore", "pipe", output.ok ? output.fd : "pipe"],
    close: () => {
      if (input.ok) {
        closeSync(input.fd);
      }
      if (output.ok) {
        closeSync(output.fd);
      }
    },
  };
};

const spawnCommand = (
  command: string | readonly string[],
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions,
): ChildProcess => {
  if (typeof command === "string") {
    // TODO(windows): runs through cmd.exe via `shell: true`, which is untested.
    return process.platform === "win32"
      ? spawn(command, { env, stdio, shell: true, windowsHide: true })
      : spawn("/bin/sh", ["-c", command], { env, stdio });
  }
  const [program, ...args] = command;
  return spawn(program ?? "", args, { env, stdio, windowsHide: true });
};

// NOTE: only the direct child is signalled. Processes it started itself (such as `sleep` in a
// script that does not `exec` it) keep running until they end. Killing a process group would need
// `detached: true`, which also detaches the command from the controlling terminal.
const stopChild = (child: ChildProcess): void => {
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
    }
  }, KILL_GRACE_MS);
  killTimer.unref();
  child.once("exit", () => clearTimeout(killTimer));
};

/**
 * Runs a command and collects its stdout, bounded by a timeout and an abort signal. A command that
 * has to be stopped gets SIGTERM, then SIGKILL after 2 s, and the outcome is reported at once.
 * @internal
 */
export const runCommand = (request: CommandRequest): Promise<CommandOutcome> =>
  new Promise<CommandOutcome>((resolve) => {
    if (request.signal?.aborted) {
      resolve({ kind: "aborted" });
      return;
    }

    const stdio = openChildStdio(request.ttyPath);
    let child: ChildProcess;
    try {
      child = spawnCommand(request.command, request.env, stdio.stdio);
    } catch (error) {
      resolve({ kind: "spawn-failed", errno: systemErrorCode(error) ?? "unknown error", error });
      return;
    } finally {
      stdio.close();
    }

    let settled = false;
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;

    const finish = (outcome: CommandOutcome, stop: boolean): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener("abort", onAbort);
      if (stop) {
        stopChild(child);
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      resolve(outcome);
    };

    const timer = setTimeout(() => finish({ kind: "timeout" }, true), Math.max(0, request.timeoutMs));
    const onAbort = (): void => finish({ kind: "aborted" }, true);
    request.signal?.addEventListener("abort", onAbort, { once: true });

    // Without a terminal, stderr is a pipe that is drained and dropped, never shown or kept.
    child.stderr?.resume();
    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > MAX_STDOUT_BYTES) {
        finish({ kind: "output-too-large" }, true);
        return;
      }
      chunks.push(chunk);
    });

    child.on("error", (error) => {
      finish({ kind: "spawn-failed", errno: systemErrorCode(error) ?? "unknown error", error }, false);
    });
    const finishAfterExit = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(outputGraceTimer);
      if (signal !== null) {
        finish({ kind: "signaled", signal }, false);
        return;
      }
      finish({ kind: "exited", exitCode: exitCode ?? 0, stdout: Buffer.concat(chunks).toString("utf8") }, false);
    };

    // 'close' waits for stdout to end, which a background process the command started may delay.
    let outputGraceTimer: NodeJS.Timeout | undefined;
    child.on("exit", (exitCode, signal) => {
      outputGraceTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
        finishAfterExit(exitCode, signal);
      }, OUTPUT_GRACE_MS);
    });
    child.on("close", finishAfterExit);
  });
