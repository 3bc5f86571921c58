import type { MfaCodeContext } from "@mfa-session/credential-provider";
import { HOTP } from "otpauth";

import { MfaCodeSourceError } from "./errors.js";
import { isLastReturnedCode, rememberReturnedCode } from "./returnedCodes.js";
import { abortedError, sleep } from "./timeLimit.js";
import { loadTotpKey, type TotpKey } from "./totpSecret.js";
import { describeSerial, validatePositiveInteger, type MfaCodeSource } from "./types.js";

/**
 * HMAC algorithms of RFC 6238.
 * @public
 */
export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

/**
 * Options of {@link totpMfaCode}. Set exactly one of `secret`, `secretFile` and `secretEnv`. Each
 * contains the base32 secret shown when the virtual MFA device was set up, or its `otpauth://totp/`
 * URI, whose digits, period and algorithm then apply unless set here.
 * @public
 */
export interface TotpMfaCodeOptions {
  /** The secret as base32 text or `otpauth://totp/` URI, or the raw key bytes. */
  secret?: string | Uint8Array;

  /** Path of a file that contains the secret. It is read on every call. */
  secretFile?: string;

  /** Name of the environment variable that contains the secret. It is read on every call. */
  secretEnv?: string;

  /**
   * Digits per code, from 6 to 10. AWS accepts only 6.
   * @default 6
   */
  digits?: number;

  /**
   * Time step, in seconds.
   * @default 30
   */
  period?: number;

  /**
   * HMAC algorithm.
   * @default "SHA1"
   */
  algorithm?: TotpAlgorithm;

  /**
   * Clock, in milliseconds since the Unix epoch. Tests pass a fake one.
   * @default Date.now
   */
  now?: () => number;
}

const ALGORITHMS: readonly string[] = ["SHA1", "SHA256", "SHA512"];

// Maximum number of waits after which a clock that has not reached the next step counts as stopped.
const MAX_STALLED_WAITS = 2;

interface TotpSettings {
  digits: number | undefined;
  period: number | undefined;
  algorithm: TotpAlgorithm | undefined;
  now: () => number;
}

const validateOptions = (options: TotpMfaCodeOptions): void => {
  const locations = [options.secret, options.secretFile, options.secretEnv].filter((value) => value !== undefined);
  if (locations.length === 0 || options.secret === "") {
    throw new MfaCodeSourceError(
      "totpMfaCode needs the TOTP secret: set one of secret, secretFile or secretEnv.",
      { code: "MFA_TOTP_SECRET_MISSING" },
    );
  }
  if (locations.length > 1) {
    throw new MfaCodeSourceError("totpMfaCode accepts only one of secret, secretFile and secretEnv.", {
      code: "MFA_INVALID_OPTION",
    });
  }

  validatePositiveInteger("totpMfaCode", "period", options.period);
  const digits = options.digits;
  if (digits !== undefined && !(Number.isInteger(digits) && digits >= 6 && digits <= 10)) {
    throw new MfaCodeSourceError(`totpMfaCode: digits must be an integer from 6 to 10, got ${String(digits)}.`, {
      code: "MFA_INVALID_OPTION",
    });
  }
  if (options.algorithm !== undefined && !ALGORITHMS.includes(options.algorithm)) {
    throw new MfaCodeSourceError(
      `totpMfaCode: algorithm must be one of ${ALGORITHMS.join(", ")}, got ${String(options.algorithm)}.`,
      { code: "MFA_INVALID_OPTION" },
    );
  }
};

const generateCode = (key: TotpKey, settings: TotpSettings, step: number): string =>
  HOTP.generate({
    secret: key.secret,
    algorithm: settings.algorithm ?? key.algorithm ?? "SHA1",
    digits: settings.digits ?? key.digits ?? 6,
    counter: step,
  });

/**
 * Returns the code of the current step, or of a later one when the current code must not be used:
 * after `reused`, and when it equals the last code returned for the serial. Waits for that step
 * with `setTimeout`, so fake timers drive it, and stops when `context.signal` is aborted.
 */
const computeFreshCode = async (
  key: TotpKey,
  settings: TotpSettings,
  serialNumber: string,
  context: MfaCodeContext | undefined,
): Promise<string> => {
  const periodMs = (settings.period ?? key.period ?? 30) * 1000;
  const subject = describeSerial(serialNumber, context);

  // After `reused`, the code of the current step is the one the caller could not use.
  const currentStep = Math.floor(settings.now() / periodMs);
  let minimumStep = context?.reason === "reused" ? currentStep + 1 : currentStep;

  let stalledWaits = 0;
  for (;;) {
    const nowMs = settings.now();
    if (!Number.isFinite(nowMs)) {
      throw new MfaCodeSourceError(
        `totpMfaCode cannot compute a code for ${subject}: the clock returned ${String(nowMs)} instead of a time in ` +
          `milliseconds. Check the now option.`,
        { code: "MFA_TOTP_CLOCK_STALLED" },
      );
    }
    const step = Math.floor(nowMs / periodMs);

    if (step >= minimumStep) {
      const code = generateCode(key, settings, step);
      if (!isLastReturnedCode(serialNumber, code)) {
        return code;
      }
      minimumStep = step + 1;
      continue;
    }

    if (stalledWaits >= MAX_STALLED_WAITS) {
      throw new MfaCodeSourceError(
        `totpMfaCode waited for the next TOTP step for ${subject}, but the clock did not advance. ` +
          `Check the now option.`,
        { code: "MFA_TOTP_CLOCK_STALLED" },
      );
    }
    await sleep(minimumStep * periodMs - nowMs, context?.signal, () => abortedError("totpMfaCode", subject));
    if (Math.floor(settings.now() / periodMs) === step) {
      stalledWaits += 1;
    }
  }
};

/**
 * Creates a source that computes RFC 6238 TOTP codes from the secret of a virtual MFA device. It
 * never returns the same code twice in a row for a serial, because AWS rejects a reused code.
 * When asked again with reason `reused`, or when the current code was already returned, it waits
 * for the next time step instead.
 * @public
 */
export const totpMfaCode = (options: TotpMfaCodeOptions): MfaCodeSource => {
  validateOptions(options);
  const location = { secret: options.secret, secretFile: options.secretFile, secretEnv: options.secretEnv };
  const settings: TotpSettings = {
    digits: options.digits,
    period: options.period,
    algorithm: options.algorithm,
    now: options.now ?? Date.now,
  };

  return async function totpMfaCode(serialNumber: string, context?: MfaCodeContext): Promise<string> {
    if (context?.signal.aborted) {
      throw abortedError("totpMfaCode", describeSerial(serialNumber, context));
    }

    const key = await loadTotpKey(location);
    const code = await computeFreshCode(key, settings, serialNumber, context);
    rememberReturnedCode(serialNumber, code);
    return code;
  };
};
