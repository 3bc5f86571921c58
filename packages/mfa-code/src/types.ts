import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { MfaCodeSourceError } from "./errors.js";

/**
 * A function that returns a one-time code for an MFA device. It fits the `mfaCodeProvider` option
 * of `fromMfaSession` and can also be called with the serial number alone.
 * @public
 */
export type MfaCodeSource = (serialNumber: string, context?: MfaCodeContext) => Promise<string>;

/** Names the serial and, when known, the profile, as messages show them. @internal */
export const describeSerial = (serialNumber: string, context: MfaCodeContext | undefined): string =>
  context?.profile === undefined ? `serial ${serialNumber}` : `serial ${serialNumber} (profile ${context.profile})`;

/**
 * Throws MFA_INVALID_OPTION unless `value` is undefined or a positive integer.
 * @internal
 */
export const validatePositiveInteger = (source: string, name: string, value: number | undefined): void => {
  if (value === undefined || (Number.isInteger(value) && value > 0)) {
    return;
  }

  throw new MfaCodeSourceError(`${source}: ${name} must be a positive integer, got ${String(value)}.`, {
    code: "MFA_INVALID_OPTION",
  });
};
