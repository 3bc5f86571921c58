// Codes with which services reject credentials that expired or that they do not recognize. STS,
// IAM and most Query and JSON services use the first four. S3 returns InvalidToken for a session
// token it cannot use and InvalidAccessKeyId for an unknown access key id.
const SESSION_REJECTED_CODES: ReadonlySet<string> = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
  "InvalidClientTokenId",
  "InvalidToken",
  "InvalidAccessKeyId",
]);

const ACCESS_DENIED_CODES: ReadonlySet<string> = new Set(["AccessDenied", "AccessDeniedException"]);

/** Matches the wording of a denial by an explicit Deny statement, which MFA conditions usually are. */
const EXPLICIT_DENY = /explicit deny/i;

/** Matches a message that names MFA. */
const MENTIONS_MFA = /\bMFA\b|multi-?factor/i;

interface ServiceErrorFields {
  name: string;
  message: string;
}

const readErrorFields = (error: unknown): ServiceErrorFields => {
  const value = (typeof error === "object" && error !== null ? error : {}) as { name?: unknown; message?: unknown };
  return {
    name: typeof value.name === "string" ? value.name : "",
    message: typeof value.message === "string" ? value.message : "",
  };
};

/**
 * Returns the error code of an SDK service exception, which the SDK stores as its `name`.
 * @internal
 */
export const readErrorCode = (error: unknown): string => readErrorFields(error).name;

/**
 * Tells whether a service rejected the credentials of a request as expired or unknown, which for
 * a session means it has to be replaced.
 * @internal
 */
export const isSessionRejectedError = (error: unknown): boolean => SESSION_REJECTED_CODES.has(readErrorFields(error).name);

/**
 * Default test of the step-up mode: an `AccessDenied` or `AccessDeniedException` whose message
 * reports an explicit deny or mentions MFA. Policies that require MFA usually deny with a Deny
 * statement conditioned on `aws:MultiFactorAuthPresent`, which AWS reports as an explicit deny.
 * @public
 */
export const isMfaRequiredError = (error: unknown): boolean => {
  const { name, message } = readErrorFields(error);
  return ACCESS_DENIED_CODES.has(name) && (EXPLICIT_DENY.test(message) || MENTIONS_MFA.test(message));
};
