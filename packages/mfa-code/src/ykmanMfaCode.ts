import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { MfaCodeSourceError } from "./errors.js";
import { isSixDigitCode } from "./normalizeCode.js";
import { sanitizeForTerminal } from "./promptText.js";
import { isLastReturnedCode, rememberReturnedCode } from "./returnedCodes.js";
import { runCommand, type CommandOutcome } from "./runCommand.js";
import { writeToTerminal } from "./terminal.js";
import { abortedError, resolveTimeLimitMs, sleep } from "./timeLimit.js";
import { describeSerial, validatePositiveInteger, type MfaCodeSource } from "./types.js";

/**
 * Options of {@link ykmanMfaCode}.
 * @public
 */
export interface YkmanMfaCodeOptions {
  /**
   * OATH account on the YubiKey, as `ykman oath accounts list` shows it. ykman matches it as a
   * substring, so it must select exactly one account.
   * @default the part of the serial after ":mfa/", such as "alice", or the whole serial
   */
  account?: string;

  /** Serial number of the YubiKey to use when several are connected, passed as `--device`. */
  device?: string;

  /**
   * The ykman program: a name looked up in PATH, or a path.
   * @default "ykman"
   */
  ykmanPath?: string;

  /**
   * Maximum run time of ykman, in milliseconds, including the wait for a touch.
   * @default 60000 (1 minute)
   */
  timeoutMs?: number;

  /**
   * Terminal device for the touch hint and for ykman's own prompts. Tests point it elsewhere.
   * @default "/dev/tty" (on Windows, the console)
   */
  ttyPath?: string;
}

const DEFAULT_YKMAN_TIMEOUT_MS = 60_000;

// Time allowed for the `ykman list` run that checks whether a YubiKey is connected, in milliseconds.
const LIST_TIMEOUT_MS = 10_000;

// TOTP step of AWS virtual MFA devices, in milliseconds.
const TOTP_STEP_MS = 30_000;

const INSTALL_HINT =
  "Install the YubiKey Manager CLI (pip install yubikey-manager, brew install ykman, or your " +
  "distribution's yubikey-manager package), or set ykmanPath.";

const defaultAccount = (serialNumber: string): string => {
  const marker = serialNumber.lastIndexOf(":mfa/");
  return marker === -1 ? serialNumber : serialNumber.slice(marker + ":mfa/".length);
};

/** Tells whether the YubiKey (or, with `device`, that YubiKey) is connected. Undefined when unknown. */
const isDeviceConnected = async (options: YkmanMfaCodeOptions, ykmanPath: string): Promise<boolean | undefined> => {
  const outcome = await runCommand({
    command: options.device === undefined ? [ykmanPath, "list"] : [ykmanPath, "list", "--serials"],
    env: process.env,
    timeoutMs: LIST_TIMEOUT_MS,
    signal: undefined,
    ttyPath: options.ttyPath,
  });
  if (outcome.kind !== "exited" || outcome.exitCode !== 0) {
    return undefined;
  }

  const lines = outcome.stdout.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return options.device === undefined ? lines.length > 0 : lines.includes(options.device);
};

const readCode = async (
  outcome: CommandOutcome,
  options: YkmanMfaCodeOptions,
  ykmanPath: string,
  account: string,
  subject: string,
): Promise<string> => {
  const prefix = `ykmanMfaCode: ykman`;
  switch (outcome.kind) {
    case "exited": {
      const code = outcome.stdout.trim();
      if (outcome.exitCode === 0 && isSixDigitCode(code)) {
        return code;
      }
      if (outcome.exitCode === 0) {
        throw new MfaCodeSourceError(
          `${prefix} printed something other than a six-digit code for account "${account}" (${subject}). ` +
            `Check with ykman oath accounts list that the account holds a 6-digit TOTP credential.`,
          { code: "MFA_YKMAN_FAILED" },
        );
      }

      const connected = await isDeviceConnected(options, ykmanPath);
      if (connected === false) {
        const missingDevice =
          options.device === undefined ? "no YubiKey is connected" : `YubiKey ${options.device} is not connected`;
        throw new MfaCodeSourceError(
          `${prefix} failed because ${missingDevice}, so it cannot supply the code for ${subject}. ` +
            `Insert the key, or configure another source.`,
          { code: "MFA_YKMAN_NO_DEVICE", unavailable: true },
        );
      }
      throw new MfaCodeSourceError(
        `${prefix} exited with status ${outcome.exitCode} reading account "${account}" for ${subject}. ` +
          `Check that exactly one account matches it (ykman oath accounts list), or set the account option.`,
        { code: "MFA_YKMAN_FAILED" },
      );
    }
    case "spawn-failed":
      if (outcome.errno === "ENOENT") {
        throw new MfaCodeSourceError(`${prefix} was not found at "${ykmanPath}". ${INSTALL_HINT}`, {
          code: "MFA_YKMAN_NOT_FOUND",
          unavailable: true,
          cause: outcome.error,
        });
      }
      throw new MfaCodeSourceError(`${prefix} could not be started (${outcome.errno}).`, {
        code: "MFA_YKMAN_FAILED",
        cause: outcome.error,
      });
    case "signaled":
      throw new MfaCodeSourceError(`${prefix} was terminated by ${outcome.signal} reading the code for ${subject}.`, {
        code: "MFA_YKMAN_FAILED",
      });
    case "timeout":
      throw new MfaCodeSourceError(
        `${prefix} did not return the code for ${subject} in time and was stopped. Touch the YubiKey ` +
          `when it flashes, or raise timeoutMs.`,
        { code: "MFA_YKMAN_FAILED" },
      );
    case "output-too-large":
      throw new MfaCodeSourceError(`${prefix} printed more than 64 KiB for ${subject}, which cannot be a code.`, {
        code: "MFA_YKMAN_FAILED",
      });
    case "aborted":
      throw abortedError("ykmanMfaCode", subject);
  }
};

/**
 * Creates a source that reads a TOTP code from a YubiKey with
 * `ykman [--device SERIAL] oath accounts code --single ACCOUNT`, and writes a request to touch the key
 * on the terminal. Like {@link totpMfaCode}, it waits for the next 30-second step rather than return
 * the code it returned last for the serial.
 * @public
 */
export const ykmanMfaCode = (options: YkmanMfaCodeOptions = {}): MfaCodeSource => {
  validatePositiveInteger("ykmanMfaCode", "timeoutMs", options.timeoutMs);
  const ykmanPath = options.ykmanPath ?? "ykman";

  return async function ykmanMfaCode(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    const subject = describeSerial(serialNumber, context);
    const account = options.account ?? defaultAccount(serialNumber);
    const args = [...(options.device === undefined ? [] : ["--device", options.device])];
    const command = [ykmanPath, ...args, "oath", "accounts", "code", "--single", account];
    const onAbort = (): Error => abortedError("ykmanMfaCode", subject);

    // After `reused`, the code of the current step is the one the caller could not use.
    let waitForNextStep = context?.reason === "reused";
    for (;;) {
      if (waitForNextStep) {
        await sleep(TOTP_STEP_MS - (Date.now() % TOTP_STEP_MS), context?.signal, onAbort);
      }

      writeToTerminal(
        options.ttyPath,
        `Reading the MFA code for "${sanitizeForTerminal(account)}" from the YubiKey. Touch the key if it flashes.\n`,
      );
      const timeoutMs = options.timeoutMs ?? DEFAULT_YKMAN_TIMEOUT_MS;
      const timeLimitMs = resolveTimeLimitMs(timeoutMs, context, timeoutMs);
      const outcome = await runCommand({
        command,
        env: process.env,
        timeoutMs: timeLimitMs,
        signal: context?.signal,
        ttyPath: options.ttyPath,
      });

      const code = await readCode(outcome, options, ykmanPath, account, subject);
      if (waitForNextStep || !isLastReturnedCode(serialNumber, code)) {
        rememberReturnedCode(serialNumber, code);
        return code;
      }
      waitForNextStep = true;
    }
  };
};
