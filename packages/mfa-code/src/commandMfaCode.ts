import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { MfaCodeSourceError } from "./errors.js";
import { isSixDigitCode } from "./normalizeCode.js";
import { runCommand, type CommandOutcome } from "./runCommand.js";
import { abortedError, resolveTimeLimitMs } from "./timeLimit.js";
import { describeSerial, validatePositiveInteger, type MfaCodeSource } from "./types.js";

/**
 * Time limit of a command run by {@link commandMfaCode}, in milliseconds.
 * @public
 */
export const DEFAULT_COMMAND_TIMEOUT_MS = 60_000;

/**
 * Options of {@link commandMfaCode}.
 * @public
 */
export interface CommandMfaCodeOptions {
  /**
   * Maximum run time of the command, in milliseconds. The command is also stopped at
   * `context.deadline` and when `context.signal` is aborted.
   * @default 60000 (1 minute)
   */
  timeoutMs?: number;

  /**
   * Text that names the command in error messages. Set it when the command line contains
   * something that must not appear in logs.
   * @default the command line
   */
  label?: string;

  /**
   * Terminal device given to the command as stdin and stderr. Tests point it elsewhere.
   * @default "/dev/tty" (on Windows, the console)
   */
  ttyPath?: string;
}

// Maximum length of the command line shown in a message. Longer ones are cut and end with "...".
const MAX_LABEL_LENGTH = 200;

// Exit status of `/bin/sh -c` when it cannot find the program (POSIX shell "command not found").
const SHELL_COMMAND_NOT_FOUND = 127;

const validateCommand = (command: string | readonly string[]): void => {
  const valid =
    typeof command === "string"
      ? command.trim() !== ""
      : Array.isArray(command) &&
        command.length > 0 &&
        command.every((part) => typeof part === "string") &&
        command[0] !== "";
  if (!valid) {
    throw new MfaCodeSourceError(
      "commandMfaCode needs a command: a non-empty string for /bin/sh, or an array of program and arguments.",
      { code: "MFA_INVALID_OPTION" },
    );
  }
};

const describeCommand = (command: string | readonly string[]): string => {
  const text =
    typeof command === "string"
      ? command
      : command.map((part) => (/^[\w@%+=:,./-]+$/.test(part) ? part : JSON.stringify(part))).join(" ");
  return text.length > MAX_LABEL_LENGTH ? `${text.slice(0, MAX_LABEL_LENGTH)}...` : text;
};

const buildChildEnv = (serialNumber: string, context: MfaCodeContext | undefined): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MFA_SERIAL: serialNumber,
    MFA_REASON: context?.reason ?? "initial",
  };
  // An MFA_PROFILE inherited from the parent would name the wrong profile.
  delete env.MFA_PROFILE;
  if (context?.profile !== undefined) {
    env.MFA_PROFILE = context.profile;
  }
  return env;
};

const NOT_SHOWN = "Its output is not shown because it may contain secrets. Run the command yourself to see it.";

/** Returns the six-digit code printed by the command, or throws an error that names the command but not its output. */
const readCodeFromOutcome = (
  outcome: CommandOutcome,
  label: string,
  subject: string,
  shellUsed: boolean,
  timeLimitMs: number,
): string => {
  const prefix = `commandMfaCode: command "${label}"`;

  switch (outcome.kind) {
    case "exited": {
      if (outcome.exitCode === 0) {
        const code = outcome.stdout.trim();
        if (isSixDigitCode(code)) {
          return code;
        }
        throw new MfaCodeSourceError(
          `${prefix} printed something other than a six-digit code for ${subject}. ${NOT_SHOWN}`,
          { code: "MFA_COMMAND_INVALID_OUTPUT" },
        );
      }
      if (shellUsed && outcome.exitCode === SHELL_COMMAND_NOT_FOUND) {
        throw new MfaCodeSourceError(
          `${prefix} exited with status 127: the shell did not find the program. Install it or fix PATH.`,
          { code: "MFA_COMMAND_NOT_FOUND", unavailable: true },
        );
      }
      throw new MfaCodeSourceError(
        `${prefix} exited with status ${outcome.exitCode} while getting the MFA code for ${subject}. ${NOT_SHOWN}`,
        { code: "MFA_COMMAND_FAILED" },
      );
    }
    case "signaled":
      throw new MfaCodeSourceError(
        `${prefix} was terminated by ${outcome.signal} before printing a code for ${subject}.`,
        { code: "MFA_COMMAND_FAILED" },
      );
    case "timeout":
      throw new MfaCodeSourceError(
        `${prefix} did not finish within ${timeLimitMs} ms for ${subject} and was stopped. Raise timeoutMs ` +
          `if it waits for a person, such as for a password or a touch.`,
        { code: "MFA_COMMAND_TIMEOUT" },
      );
    case "aborted":
      throw abortedError("commandMfaCode", subject);
    case "output-too-large":
      throw new MfaCodeSourceError(`${prefix} printed more than 64 KiB, which cannot be a code, for ${subject}.`, {
        code: "MFA_COMMAND_INVALID_OUTPUT",
      });
    case "spawn-failed":
      if (outcome.errno === "ENOENT") {
        throw new MfaCodeSourceError(
          `${prefix} could not be started because its program was not found (ENOENT). Install it or fix PATH.`,
          { code: "MFA_COMMAND_NOT_FOUND", unavailable: true, cause: outcome.error },
        );
      }
      throw new MfaCodeSourceError(`${prefix} could not be started (${outcome.errno}).`, {
        code: "MFA_COMMAND_FAILED",
        cause: outcome.error,
      });
  }
};

/**
 * Creates a source that runs a program, such as a password manager's OTP command, and takes the
 * code from its stdout, trimmed. A string runs through `/bin/sh -c` and an array runs without a
 * shell. The child gets the terminal as stdin and stderr when there is one, and the variables
 * MFA_SERIAL, MFA_REASON and, when known, MFA_PROFILE.
 * @public
 */
export const commandMfaCode = (
  command: string | readonly string[],
  options: CommandMfaCodeOptions = {},
): MfaCodeSource => {
  validateCommand(command);
  validatePositiveInteger("commandMfaCode", "timeoutMs", options.timeoutMs);
  const label = options.label ?? describeCommand(command);
  const commandCopy = typeof command === "string" ? command : [...command];

  return async function commandMfaCode(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    const subject = describeSerial(serialNumber, context);
    const timeoutMs = options.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    const timeLimitMs = resolveTimeLimitMs(timeoutMs, context, timeoutMs);

    const outcome = await runCommand({
      command: commandCopy,
      env: buildChildEnv(serialNumber, context),
      timeoutMs: timeLimitMs,
      signal: context?.signal,
      ttyPath: options.ttyPath,
    });
    return readCodeFromOutcome(outcome, label, subject, typeof command === "string", timeLimitMs);
  };
};
