// STS error responses: the error type that request handling throws, and the messages STS uses.

/** An STS error response: HTTP status, error code and message. The server turns it into `<ErrorResponse>` XML. */
export class StsError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "StsError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Error messages in the wording of reported STS responses. The two spaces in `mfaUnableToValidate`
 * and the trailing space of `mfaInvalidCode` are part of that wording.
 */
export const STS_MESSAGES = {
  missingAuthenticationToken: "Request is missing Authentication Token",
  invalidClientTokenId: "The security token included in the request is invalid.",
  expiredToken: "The security token included in the request is expired",
  signatureDoesNotMatch:
    "The request signature we calculated does not match the signature you provided. " +
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  sessionCredentialsForGetSessionToken: "Cannot call GetSessionToken with session credentials",
  mfaInvalidCode: "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
  mfaUnableToValidate:
    "MultiFactorAuthentication failed, unable to validate MFA code.  " +
    "Please verify your MFA serial number is valid and associated with this user.",
} as const;

/** Builds the RegionDisabledException message that STS sends for a region not activated in `account`. */
export function regionDisabledMessage(account: string): string {
  return (
    `STS is not activated in this region for account:${account}. ` +
    "Your account administrator can activate STS in this region using the IAM Console."
  );
}

/**
 * Builds the AccessDenied message that AWS sends when an explicit Deny statement matches, such as
 * one that denies an action unless aws:MultiFactorAuthPresent is true.
 */
export function explicitDenyMessage(arn: string, action: string): string {
  return `User: ${arn} is not authorized to perform: ${action} with an explicit deny in an identity-based policy`;
}
