import { spawn } from "node:child_process";
import { constants } from "node:os";

import { EXIT_CODES } from "./errors.js";
import type { CliOutput } from "./logger.js";

/** Signals passed on to the command, so that it can clean up before it ends. @internal */
export const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const;

/**
 * Runs `command` with `environment` and our stdio, and resolves with the exit status to pass on.
 * That is the command's own status, or 128 plus the signal number when a signal ended it, 127 when
 * it was not found, and 126 when it could not be run. SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and
 * SIGUSR2 received meanwhile are sent on to it, so that none of them ends this process and orphans it.
 * @internal
 */
export const runCommand = (command: string[], environment: NodeJS.ProcessEnv, output: CliOutput): Promise<number> =>
  new Promise((resolve) => {
    const [program, ...args] = command as [string, ...string[]];
    const child = spawn(program, args, { env: environment, stdio: "inherit" });

    // Forwarding makes `kill -TERM` of this process reach the command. NOTE: Ctrl-C in a terminal
    // reaches the command directly as well, because it shares our process group, so it gets SIGINT twice.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) {
      process.on(signal, forward);
    }
    const finish = (status: number) => {
      for (const signal of FORWARDED_SIGNALS) {
        process.off(signal, forward);
      }
      resolve(status);
    };

    child.once("error", (error: NodeJS.ErrnoException) => {
      const notFound = error.code === "ENOENT";
      output.stderr(`mfa-session exec: could not run ${program}: ${notFound ? "command not found" : error.message}\n`);
      finish(notFound ? EXIT_CODES.notFound : EXIT_CODES.cannotRun);
    });
    child.once("exit", (status, signal) => {
      finish(signal === null ? (status ?? EXIT_CODES.failure) : 128 + (constants.signals[signal] ?? 0));
    });
  });
