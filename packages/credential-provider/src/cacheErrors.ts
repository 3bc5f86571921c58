import { CredentialsProviderError } from "@smithy/property-provider";

/**
 * Stable identifiers of the failures of a persistent session cache such as `fileCache()`.
 * @public
 */
export type MfaSessionCacheErrorCode = "CACHE_DIRECTORY_UNRESOLVED" | "CACHE_LOCK_TIMEOUT";

/**
 * Failure of a persistent session cache that the caller has to act on. Damaged or untrusted cache
 * files are never errors: they count as misses and are logged. Like `MfaSessionError`, it stops a
 * credential chain (`tryNextLink` is false).
 * @public
 */
export class MfaSessionCacheError extends CredentialsProviderError {
  override name = "MfaSessionCacheError";
  readonly code: MfaSessionCacheErrorCode;

  constructor(message: string, code: MfaSessionCacheErrorCode, cause?: unknown) {
    super(message, { tryNextLink: false });
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = code;
    if (cause !== undefined) {
      this.cause = cause;
    }
  }
}

/**
 * Tells whether a value is an {@link MfaSessionCacheError}, optionally with the given code.
 * @public
 */
export const isMfaSessionCacheError = (value: unknown, code?: MfaSessionCacheErrorCode): value is MfaSessionCacheError =>
  value instanceof MfaSessionCacheError && (code === undefined || value.code === code);
