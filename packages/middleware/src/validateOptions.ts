import {
  MAX_DURATION_SECONDS,
  MAX_ROOT_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  MfaSessionError,
} from "@mfa-session/credential-provider";

import type { MfaSessionMode, MfaSessionPluginOptions } from "./types.js";

/** Mode used when the options set none. @public */
export const DEFAULT_MFA_SESSION_MODE: MfaSessionMode = "always";

const MODES: readonly MfaSessionMode[] = ["always", "on-access-denied"];

const POSITIVE_INTEGER_OPTIONS = ["maxCodeAttempts", "mfaCodeTimeoutMs", "advisoryRefreshMs", "mandatoryRefreshMs"] as const;

const invalidOption = (message: string): MfaSessionError => new MfaSessionError(message, { code: "INVALID_OPTION" });

/**
 * Checks the plugin options when the plugin is created, so that a mistake shows at startup and not
 * at the first request. Throws an `MfaSessionError` that names the option. Returns the mode.
 * @internal
 */
export const validatePluginOptions = (options: MfaSessionPluginOptions): MfaSessionMode => {
  if (typeof options !== "object" || options === null) {
    throw invalidOption("The options of getMfaSessionPlugin must be an object, such as { serialNumber, mfaCodeProvider }.");
  }
  if ((options as { masterCredentials?: unknown }).masterCredentials !== undefined) {
    throw invalidOption(
      "masterCredentials is not an option of getMfaSessionPlugin: the client's own credentials sign GetSessionToken. " +
        "Remove it, and set the long-term keys as the client's credentials instead.",
    );
  }

  const mode = options.mode ?? DEFAULT_MFA_SESSION_MODE;
  if (!MODES.includes(mode)) {
    throw invalidOption(`Invalid mode "${String(mode)}": expected "always" or "on-access-denied".`);
  }
  if (options.isMfaRequiredError !== undefined && typeof options.isMfaRequiredError !== "function") {
    throw invalidOption("Invalid isMfaRequiredError: expected a function that takes an error and returns a boolean.");
  }

  validateMfaDevice(options, mode);
  validateProviderNumbers(options);

  if (options.fallbackRegions !== undefined) {
    const regions = options.fallbackRegions as unknown;
    if (!Array.isArray(regions) || regions.some((region) => typeof region !== "string" || region === "")) {
      throw invalidOption('Invalid fallbackRegions: expected an array of region names, such as ["us-east-1"].');
    }
  }
  return mode;
};

const validateMfaDevice = (options: MfaSessionPluginOptions, mode: MfaSessionMode): void => {
  const { serialNumber } = options;
  if (serialNumber === undefined) {
    if (mode === "on-access-denied") {
      throw invalidOption(
        'mode "on-access-denied" needs serialNumber: a session obtained without MFA does not satisfy a policy that ' +
          "requires MFA. Set serialNumber and mfaCodeProvider.",
      );
    }
    return;
  }

  // TODO(credential-provider): fromMfaSession also checks the serial's format on its first call;
  // call its validator here once the package exports one, instead of repeating these checks.
  if (typeof serialNumber !== "string" || serialNumber.trim() === "") {
    throw invalidOption("Invalid serialNumber: expected the MFA device ARN, such as arn:aws:iam::123456789012:mfa/alice.");
  }
  if (typeof options.mfaCodeProvider !== "function") {
    throw new MfaSessionError(
      `serialNumber ${serialNumber} is set but mfaCodeProvider is missing. Set mfaCodeProvider to a function that returns the code.`,
      { code: "MFA_CODE_PROVIDER_MISSING" },
    );
  }
};

const validateProviderNumbers = (options: MfaSessionPluginOptions): void => {
  for (const name of POSITIVE_INTEGER_OPTIONS) {
    const value = options[name];
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw invalidOption(`Invalid ${name} ${String(value)}: expected a positive whole number.`);
    }
  }

  const { durationSeconds } = options;
  if (durationSeconds === undefined) {
    return;
  }
  const isRoot = /:mfa\/root-account-mfa-device$/.test(options.serialNumber ?? "");
  const maxSeconds = isRoot ? MAX_ROOT_DURATION_SECONDS : MAX_DURATION_SECONDS;
  if (!Number.isInteger(durationSeconds) || durationSeconds < MIN_DURATION_SECONDS || durationSeconds > maxSeconds) {
    throw new MfaSessionError(
      `Invalid durationSeconds ${String(durationSeconds)}: expected a whole number of seconds from ${MIN_DURATION_SECONDS} ` +
        `to ${maxSeconds}${isRoot ? " for a root user" : ""}.`,
      { code: "DURATION_OUT_OF_RANGE" },
    );
  }
};
