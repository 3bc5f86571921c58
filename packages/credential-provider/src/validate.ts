import {
  DEFAULT_DURATION_SECONDS,
  DEFAULT_ROOT_DURATION_SECONDS,
  MAX_DURATION_SECONDS,
  MAX_ROOT_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
} from "./constants.js";
import { MfaSessionError } from "./errors.js";

const MFA_DEVICE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:mfa\/[\w+=,.@/-]+$/;

// GetSessionToken's SerialNumber constraint, which hardware token serials also meet.
const HARDWARE_SERIAL = /^[\w+=/:,.@-]{9,256}$/;

const MFA_CODE = /^\d{6}$/;

// GetSessionToken's SerialNumber is at most 256 characters long.
const MAX_SERIAL_LENGTH = 256;

// Largest delay setTimeout accepts; longer ones fire at once.
const MAX_TIMER_MS = 2_147_483_647;

const REGION = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const MAX_REGION_LENGTH = 64;

const shorten = (value: string): string => (value.length > 80 ? `${value.slice(0, 77)}...` : value);

/**
 * Throws unless `serialNumber` looks like an MFA device ARN or a hardware token serial.
 * @internal
 */
export const validateSerialNumber = (serialNumber: unknown): void => {
  if (typeof serialNumber !== "string") {
    throw new MfaSessionError(`Invalid serialNumber of type ${typeof serialNumber}: expected a string such as an MFA device ARN.`, {
      code: "INVALID_OPTION",
    });
  }

  const valid =
    serialNumber.length <= MAX_SERIAL_LENGTH &&
    (serialNumber.startsWith("arn:") ? MFA_DEVICE_ARN.test(serialNumber) : HARDWARE_SERIAL.test(serialNumber));
  if (valid) {
    return;
  }

  throw new MfaSessionError(
    `Invalid serialNumber "${shorten(serialNumber)}": expected an MFA device ARN such as ` +
      `arn:aws:iam::123456789012:mfa/alice (at most 256 characters), or a hardware token serial of 9 to 256 characters. ` +
      `Copy the identifier from the IAM console (Security credentials, Multi-factor authentication).`,
    { code: "INVALID_OPTION" },
  );
};

/**
 * Tells whether the serial is the virtual MFA device of an account's root user.
 * @internal
 */
export const isRootMfaSerial = (serialNumber: string | undefined): boolean =>
  serialNumber !== undefined && /:mfa\/root-account-mfa-device$/.test(serialNumber);

/**
 * Returns the session duration to request, checked against the range STS allows for the user kind.
 * @internal
 */
export const resolveDurationSeconds = (durationSeconds: number | undefined, isRoot: boolean): number => {
  const defaultSeconds = isRoot ? DEFAULT_ROOT_DURATION_SECONDS : DEFAULT_DURATION_SECONDS;
  if (durationSeconds === undefined) {
    return defaultSeconds;
  }

  const maxSeconds = isRoot ? MAX_ROOT_DURATION_SECONDS : MAX_DURATION_SECONDS;
  const inRange =
    Number.isInteger(durationSeconds) && durationSeconds >= MIN_DURATION_SECONDS && durationSeconds <= maxSeconds;
  if (inRange) {
    return durationSeconds;
  }

  const userKind = isRoot ? "a root user" : "an IAM user";
  throw new MfaSessionError(
    `Invalid durationSeconds ${String(durationSeconds)}: GetSessionToken accepts a whole number of seconds ` +
      `from ${MIN_DURATION_SECONDS} to ${maxSeconds} for ${userKind}. Set durationSeconds in that range, ` +
      `or leave it unset for ${defaultSeconds}.`,
    { code: "DURATION_OUT_OF_RANGE" },
  );
};

/**
 * Returns the trimmed code when it is exactly six digits, else undefined. The input is never
 * included in any message, because it may be a real code with a typo.
 * @internal
 */
export const normalizeMfaCode = (input: string): string | undefined => {
  const code = input.trim();
  return MFA_CODE.test(code) ? code : undefined;
};

/**
 * Throws unless an optional numeric option is a positive integer.
 * @internal
 */
export const validatePositiveInteger = (name: string, value: number | undefined): void => {
  if (value === undefined || (Number.isInteger(value) && value > 0 && value <= MAX_TIMER_MS)) {
    return;
  }

  throw new MfaSessionError(`Invalid ${name} ${String(value)}: expected a positive whole number up to ${MAX_TIMER_MS}.`, {
    code: "INVALID_OPTION",
  });
};

/**
 * Throws unless `region` looks like an AWS region name, such as eu-west-1, before any code is
 * requested. `origin` names where the value came from.
 * @internal
 */
export const validateRegion = (region: unknown, origin: string): void => {
  if (typeof region === "string" && region.length <= MAX_REGION_LENGTH && REGION.test(region)) {
    return;
  }

  const displayed = typeof region === "string" ? `"${shorten(region)}"` : `of type ${typeof region}`;
  throw new MfaSessionError(
    `Invalid region ${displayed} from ${origin}: expected a region name such as eu-west-1. Correct ${origin}.`,
    { code: "INVALID_OPTION" },
  );
};
