import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { MfaCodeSourceError } from "./errors.js";
import { normalizeTypedCode } from "./normalizeCode.js";
import { buildInvalidInputNotice, buildPromptHeader, INPUT_LABEL } from "./promptText.js";
import { DEFAULT_TTY_PATH, TerminalClosedError, TerminalSession } from "./terminal.js";
import { abortedError, resolveTimeLimitMs } from "./timeLimit.js";
import { describeSerial, validatePositiveInteger, type MfaCodeSource } from "./types.js";

/**
 * Time limit of a prompt called without `timeoutMs` and without a context deadline, in milliseconds.
 * @public
 */
export const DEFAULT_PROMPT_TIMEOUT_MS = 180_000;

/**
 * Maximum number of inputs that are not six digits before a prompt gives up.
 * @public
 */
export const DEFAULT_MAX_FORMAT_ATTEMPTS = 3;

/**
 * Options of {@link promptMfaCode}.
 * @public
 */
export interface PromptMfaCodeOptions {
  /**
   * Terminal device read and written by the prompt. Tests point it at a pseudo-terminal.
   * @default "/dev/tty" (on Windows, the console)
   */
  ttyPath?: string;

  /**
   * Maximum time to wait for input, in milliseconds. When the call has a context, the prompt
   * also ends at `context.deadline` and when `context.signal` is aborted, whichever comes first.
   * @default the time left until `context.deadline`, or 180000 (3 minutes) without a context
   */
  timeoutMs?: number;

  /**
   * Maximum number of inputs that are not six digits before failing with `MFA_PROMPT_INVALID_INPUT`.
   * @default 3
   */
  maxFormatAttempts?: number;
}

interface PromptSettings {
  ttyPath: string | undefined;
  timeoutMs: number | undefined;
  maxFormatAttempts: number;
}

// Prompts in progress, one per terminal and serial, so concurrent requests share one result.
const pendingPrompts = new Map<string, Promise<string>>();

// Last prompt queued per terminal. Prompts for different serials take turns instead of mixing lines.
const terminalQueues = new Map<string, Promise<void>>();

const ALTERNATIVES =
  "Supply the code another way: set AWS_MFA_CODE and use envMfaCode(), compute it from the TOTP " +
  "secret with totpMfaCode(), run a command such as a password manager with commandMfaCode(), or " +
  "read it from a YubiKey with ykmanMfaCode(). firstAvailable() tries several of them in order.";

const noTerminalError = (subject: string, reason: string): MfaCodeSourceError =>
  new MfaCodeSourceError(
    `promptMfaCode cannot ask for the MFA code for ${subject} because no terminal is available ` +
      `(${reason}). ${ALTERNATIVES}`,
    { code: "MFA_NO_TERMINAL", unavailable: true },
  );

/**
 * Queues a prompt on a terminal. Returns the promise that resolves when the previous prompt ends,
 * and the function that ends this prompt's turn.
 */
const takeTurn = (terminalKey: string): { previous: Promise<void>; release: () => void } => {
  const previous = terminalQueues.get(terminalKey) ?? Promise.resolve();
  let release = (): void => {};
  const turn = new Promise<void>((resolve) => {
    release = resolve;
  });
  const queued = previous.then(() => turn);
  terminalQueues.set(terminalKey, queued);

  return {
    previous,
    release: () => {
      release();
      if (terminalQueues.get(terminalKey) === queued) {
        terminalQueues.delete(terminalKey);
      }
    },
  };
};

const runPrompt = async (
  serialNumber: string,
  context: MfaCodeContext | undefined,
  settings: PromptSettings,
): Promise<string> => {
  const subject = describeSerial(serialNumber, context);
  if (context?.signal.aborted) {
    throw abortedError("promptMfaCode", subject);
  }

  const timeLimitMs = resolveTimeLimitMs(settings.timeoutMs, context, DEFAULT_PROMPT_TIMEOUT_MS);
  const terminal = TerminalSession.open(settings.ttyPath);
  if (!(terminal instanceof TerminalSession)) {
    throw noTerminalError(subject, terminal.reason);
  }

  // A timeout or an abort closes the terminal, which ends a pending read or wait for the turn.
  let stopReason: "timeout" | "aborted" | undefined;
  let rejectStopped: (error: Error) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    rejectStopped = reject;
  });
  stopped.catch(() => {});
  const stop = (reason: "timeout" | "aborted"): void => {
    if (stopReason !== undefined) {
      return;
    }
    stopReason = reason;
    rejectStopped(new TerminalClosedError("The prompt was stopped."));
    try {
      terminal.write(reason === "timeout" ? "\nNo code entered in time.\n" : "\nMFA code request cancelled.\n");
    } catch {
      // The notice is a courtesy. A terminal that cannot be written is closed all the same.
    }
    terminal.close();
  };
  const timer = setTimeout(() => stop("timeout"), Math.max(0, timeLimitMs));
  const onAbort = (): void => stop("aborted");
  context?.signal.addEventListener("abort", onAbort, { once: true });

  const turn = takeTurn(settings.ttyPath ?? DEFAULT_TTY_PATH);
  try {
    await Promise.race([turn.previous, stopped]);
    terminal.write(buildPromptHeader(serialNumber, context, timeLimitMs, Date.now()));
    return await readCode(terminal, subject, settings.maxFormatAttempts);
  } catch (error) {
    if (error instanceof MfaCodeSourceError) {
      throw error;
    }
    if (stopReason === "aborted") {
      throw abortedError("promptMfaCode", subject);
    }
    if (stopReason === "timeout") {
      throw new MfaCodeSourceError(
        `promptMfaCode received no MFA code for ${subject} within ${timeLimitMs} ms. Answer sooner, ` +
          `or raise timeoutMs (and mfaCodeTimeoutMs of fromMfaSession).`,
        { code: "MFA_PROMPT_TIMEOUT" },
      );
    }
    throw new MfaCodeSourceError(
      `promptMfaCode lost the terminal while asking for the MFA code for ${subject}: ` +
        `${error instanceof Error ? error.message : String(error)}`,
      { code: "MFA_PROMPT_CLOSED", cause: error },
    );
  } finally {
    clearTimeout(timer);
    context?.signal.removeEventListener("abort", onAbort);
    terminal.close();
    turn.release();
  }
};

const readCode = async (terminal: TerminalSession, subject: string, maxFormatAttempts: number): Promise<string> => {
  for (let attempt = 1; ; attempt += 1) {
    terminal.write(INPUT_LABEL);
    const line = await terminal.readLine();

    const code = normalizeTypedCode(line);
    if (code !== undefined) {
      return code;
    }

    const attemptsLeft = maxFormatAttempts - attempt;
    if (attemptsLeft <= 0) {
      terminal.write("No valid code entered.\n");
      throw new MfaCodeSourceError(
        `promptMfaCode received no six-digit MFA code for ${subject} in ${maxFormatAttempts} ` +
          `answers. Type the 6 digits the device shows.`,
        { code: "MFA_PROMPT_INVALID_INPUT" },
      );
    }
    terminal.write(buildInvalidInputNotice(attemptsLeft));
  }
};

/**
 * Creates a source that prompts a person for the code on the controlling terminal (`/dev/tty`),
 * never on stdin or stdout, so it works under `credential_process` and with piped input. It
 * accepts "123456" and "123 456", prompts again after other input, and shares one prompt among
 * concurrent requests for the same serial. The first request's time limit and signal govern a
 * shared prompt. Without a terminal it fails at once with `MFA_NO_TERMINAL`.
 * @public
 */
export const promptMfaCode = (options: PromptMfaCodeOptions = {}): MfaCodeSource => {
  validatePositiveInteger("promptMfaCode", "timeoutMs", options.timeoutMs);
  validatePositiveInteger("promptMfaCode", "maxFormatAttempts", options.maxFormatAttempts);
  const settings: PromptSettings = {
    ttyPath: options.ttyPath,
    timeoutMs: options.timeoutMs,
    maxFormatAttempts: options.maxFormatAttempts ?? DEFAULT_MAX_FORMAT_ATTEMPTS,
  };

  return function promptMfaCode(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    const key = `${settings.ttyPath ?? DEFAULT_TTY_PATH}\n${serialNumber}`;
    const pending = pendingPrompts.get(key);
    if (pending !== undefined) {
      return pending;
    }

    const prompt = runPrompt(serialNumber, context, settings).finally(() => {
      pendingPrompts.delete(key);
    });
    pendingPrompts.set(key, prompt);
    return prompt;
  };
};
