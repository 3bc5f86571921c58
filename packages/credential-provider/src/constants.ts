/**
 * Session duration requested from STS when `durationSeconds` is not set, for an IAM user (12 hours).
 * @public
 */
export const DEFAULT_DURATION_SECONDS = 43_200;

/**
 * Session duration requested when the source is the account's root user (1 hour, the maximum STS allows).
 * @public
 */
export const DEFAULT_ROOT_DURATION_SECONDS = 3_600;

/** Minimum session GetSessionToken issues, in seconds. @public */
export const MIN_DURATION_SECONDS = 900;

/** Maximum session GetSessionToken issues to an IAM user, in seconds (36 hours). @public */
export const MAX_DURATION_SECONDS = 129_600;

/** Maximum session GetSessionToken issues to a root user, in seconds. @public */
export const MAX_ROOT_DURATION_SECONDS = 3_600;

/**
 * Time before expiry at which a cached session is replaced if a new one can be had (15 minutes).
 * A failed refresh in this window keeps serving the still-valid session.
 * @public
 */
export const DEFAULT_ADVISORY_REFRESH_MS = 15 * 60_000;

/**
 * Time before expiry at which a cached session must be replaced (10 minutes). An SDK client
 * calls its credential provider again once credentials have less than 5 minutes left, so this
 * window is larger: otherwise every request in those minutes would reach the provider.
 * @public
 */
export const DEFAULT_MANDATORY_REFRESH_MS = 10 * 60_000;

/** Wait after a failed advisory refresh before the next one is tried (1 minute). @public */
export const ADVISORY_REFRESH_RETRY_MS = 60_000;

/** Time allowed for one call of `mfaCodeProvider` before it counts as failed (3 minutes). @public */
export const DEFAULT_MFA_CODE_TIMEOUT_MS = 3 * 60_000;

/** Codes requested for one session, counting malformed, reused and rejected ones. @public */
export const DEFAULT_MAX_CODE_ATTEMPTS = 3;

/**
 * Regions tried, in order, after the resolved one returns RegionDisabledException.
 * STS cannot be deactivated in us-east-1.
 * @public
 */
export const DEFAULT_FALLBACK_REGIONS: readonly string[] = ["us-east-1"];

/** Region used when no option, environment variable or caller client names one. @public */
export const DEFAULT_REGION = "us-east-1";

/** Time a region that returned RegionDisabledException is skipped by later calls (1 hour). @public */
export const DISABLED_REGION_MEMORY_MS = 60 * 60_000;

/** Length of one TOTP time step, which the code reuse guard counts in (30 seconds). @internal */
export const TOTP_STEP_MS = 30_000;

/** Sessions kept in the in-process cache before the least recently used is dropped. @internal */
export const SESSION_CACHE_MAX_ENTRIES = 500;
