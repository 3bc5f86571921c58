import { CredentialsProviderError } from "@smithy/property-provider";
import type { Logger } from "@smithy/types";

/**
 * Stable identifiers of every failure `fromMfaSession` reports. The package README lists when each
 * happens and what to do.
 * @public
 */
export type MfaSessionErrorCode =
  | "MFA_CODE_PROVIDER_MISSING"
  | "MFA_CODE_PROVIDER_FAILED"
  | "MFA_CODE_TIMEOUT"
  | "MFA_CODE_NOT_STRING"
  | "MFA_CODE_INVALID_FORMAT"
  | "MFA_CODE_REUSED"
  | "MFA_CODE_REJECTED"
  | "MFA_SERIAL_INVALID"
  | "DURATION_OUT_OF_RANGE"
  | "INVALID_OPTION"
  | "PROFILE_NOT_FOUND"
  | "PROFILE_INVALID"
  | "SOURCE_CREDENTIALS_MISSING"
  | "SOURCE_CREDENTIALS_INVALID"
  | "SOURCE_IS_SESSION"
  | "STS_REGION_DISABLED"
  | "STS_REQUEST_FAILED"
  | "STS_RESPONSE_INVALID"
  | "CLOCK_SKEW"
  | "SESSION_REJECTED"
  | "SESSION_REFRESH_FAILED";

/** @public */
export interface MfaSessionErrorOptions {
  /** Stable identifier of the failure. */
  code: MfaSessionErrorCode;
  /** The error that led to this one, such as the STS service exception. */
  cause?: unknown;
  /** Receives one debug line when the error is created, as the SDK's provider errors do. */
  logger?: Logger;
}

/**
 * Failure of an MFA session provider. It never lets a credential chain go on to the next
 * provider (`tryNextLink` is false), because a user who configured MFA expects MFA or an error.
 * @public
 */
export class MfaSessionError extends CredentialsProviderError {
  override name = "MfaSessionError";
  readonly code: MfaSessionErrorCode;

  constructor(message: string, options: MfaSessionErrorOptions) {
    super(message, { tryNextLink: false, logger: options.logger });
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = options.code;
    if (options.cause !== undefined) {
      this.cause = options.cause;
    }
  }
}

/**
 * Tells whether a value is an {@link MfaSessionError}, optionally with the given code.
 * @public
 */
export const isMfaSessionError = (value: unknown, code?: MfaSessionErrorCode): value is MfaSessionError =>
  value instanceof MfaSessionError && (code === undefined || value.code === code);
