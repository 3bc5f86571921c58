import {
  DEFAULT_ADVISORY_REFRESH_MS,
  DEFAULT_MANDATORY_REFRESH_MS,
  DEFAULT_MAX_CODE_ATTEMPTS,
  DEFAULT_MFA_CODE_TIMEOUT_MS,
} from "./constants.js";
import { MfaSessionError } from "./errors.js";
import type { FromMfaSessionOptions } from "./types.js";
import {
  isRootMfaSerial,
  resolveDurationSeconds,
  validatePositiveInteger,
  validateRegion,
  validateSerialNumber,
} from "./validate.js";

// Largest share of the requested session lifetime each refresh window may take.
const MAX_ADVISORY_SHARE = 1 / 3;
const MAX_MANDATORY_SHARE = 1 / 4;

/** Options checked and completed with defaults. @internal */
export interface ValidatedSettings {
  durationSeconds: number;
  maxCodeAttempts: number;
  mfaCodeTimeoutMs: number;
  advisoryRefreshMs: number;
  mandatoryRefreshMs: number;
}

/**
 * Checks the options before any network call and fills in defaults.
 * @internal
 */
export const validateOptions = (options: FromMfaSessionOptions): ValidatedSettings => {
  if (options.serialNumber !== undefined) {
    validateSerialNumber(options.serialNumber);
    if (typeof options.mfaCodeProvider !== "function") {
      throw new MfaSessionError(
        `serialNumber ${options.serialNumber} is set but mfaCodeProvider is missing${
          options.profile === undefined ? "" : ` (profile ${options.profile})`
        }. Set mfaCodeProvider to a function that returns the code, for example one that reads ` +
          `an environment variable, runs a command, computes a TOTP code or prompts on the terminal.`,
        { code: "MFA_CODE_PROVIDER_MISSING" },
      );
    }
  }

  if (options.fallbackRegions !== undefined) {
    if (!Array.isArray(options.fallbackRegions)) {
      throw new MfaSessionError("Invalid fallbackRegions: expected an array of region names such as [\"us-east-1\"].", {
        code: "INVALID_OPTION",
      });
    }
    options.fallbackRegions.forEach((region) => validateRegion(region, "fallbackRegions"));
  }

  validatePositiveInteger("maxCodeAttempts", options.maxCodeAttempts);
  validatePositiveInteger("mfaCodeTimeoutMs", options.mfaCodeTimeoutMs);
  validatePositiveInteger("advisoryRefreshMs", options.advisoryRefreshMs);
  validatePositiveInteger("mandatoryRefreshMs", options.mandatoryRefreshMs);

  const mandatoryRefreshMs = options.mandatoryRefreshMs ?? DEFAULT_MANDATORY_REFRESH_MS;
  const advisoryRefreshMs = options.advisoryRefreshMs ?? Math.max(DEFAULT_ADVISORY_REFRESH_MS, mandatoryRefreshMs);
  if (advisoryRefreshMs < mandatoryRefreshMs) {
    throw new MfaSessionError(
      `Invalid advisoryRefreshMs ${advisoryRefreshMs}: it must be at least mandatoryRefreshMs (${mandatoryRefreshMs}), ` +
        `because the advisory window starts before the mandatory one.`,
      { code: "INVALID_OPTION" },
    );
  }

  // A short session would start inside the windows and request a code on every call, so each
  // window is at most a fraction of the lifetime requested.
  const durationSeconds = resolveDurationSeconds(options.durationSeconds, isRootMfaSerial(options.serialNumber));
  const lifetimeMs = durationSeconds * 1000;

  return {
    durationSeconds,
    maxCodeAttempts: options.maxCodeAttempts ?? DEFAULT_MAX_CODE_ATTEMPTS,
    mfaCodeTimeoutMs: options.mfaCodeTimeoutMs ?? DEFAULT_MFA_CODE_TIMEOUT_MS,
    advisoryRefreshMs: Math.min(advisoryRefreshMs, Math.floor(lifetimeMs * MAX_ADVISORY_SHARE)),
    mandatoryRefreshMs: Math.min(mandatoryRefreshMs, Math.floor(lifetimeMs * MAX_MANDATORY_SHARE)),
  };
};
