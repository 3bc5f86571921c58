export { fromMfaSession } from "./fromMfaSession.js";
export { MfaSessionError, isMfaSessionError } from "./errors.js";
export { MAX_CLOCK_SKEW_MS } from "./checkServerClock.js";
export type { MfaSessionErrorCode, MfaSessionErrorOptions } from "./errors.js";
export { clearSessionCache, forgetMfaSession } from "./sessionCache.js";
export { loadMfaProfile } from "./loadMfaProfile.js";
export type { MfaProfile } from "./loadMfaProfile.js";
export type { MfaSessionCache, MfaSessionCacheEntry, MfaSessionCacheSummary } from "./cacheTypes.js";
export { fileCache, DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STALE_LOCK_MS } from "./fileCache.js";
export type { FileCacheOptions, FileSessionCache } from "./fileCache.js";
export { CACHE_DIRECTORY_ENV } from "./cacheDirectory.js";
export { MfaSessionCacheError, isMfaSessionCacheError } from "./cacheErrors.js";
export type { MfaSessionCacheErrorCode } from "./cacheErrors.js";
export { clearCachedSessions } from "./persistentSessions.js";
export type { ClearCachedSessionsOptions } from "./persistentSessions.js";
export type {
  FromMfaSessionOptions,
  MfaCodeContext,
  MfaCodeProvider,
  MfaCodeReason,
  MfaSessionClientConfig,
  MfaSessionCredentials,
  MfaSessionProvider,
} from "./types.js";
export {
  ADVISORY_REFRESH_RETRY_MS,
  DEFAULT_ADVISORY_REFRESH_MS,
  DEFAULT_DURATION_SECONDS,
  DEFAULT_FALLBACK_REGIONS,
  DEFAULT_MANDATORY_REFRESH_MS,
  DEFAULT_MAX_CODE_ATTEMPTS,
  DEFAULT_MFA_CODE_TIMEOUT_MS,
  DEFAULT_REGION,
  DEFAULT_ROOT_DURATION_SECONDS,
  DISABLED_REGION_MEMORY_MS,
  MAX_DURATION_SECONDS,
  MAX_ROOT_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
} from "./constants.js";
