import type { MfaSessionCache, MfaSessionCacheEntry } from "./cacheTypes.js";
import type { PrefixedLogger } from "./logger.js";
import { deleteCachedSession, isForgottenSession } from "./sessionCache.js";
import type { MfaSessionCredentials } from "./types.js";

/** @internal */
export interface PersistedSessionCriteria {
  /** Time the session must still have left, in milliseconds. */
  minRemainingMs: number;
  /** Expiry of the session being replaced; a persisted session is used only if it ends later. */
  replacing?: Date;
  nowMs: number;
}

/**
 * Returns the session persisted for `key` if it meets `criteria`. A failing cache is logged and
 * counts as a miss, because the provider can still obtain a session without it.
 * @internal
 */
export const readPersistedSession = async (
  cache: MfaSessionCache,
  key: string,
  criteria: PersistedSessionCriteria,
  log: PrefixedLogger,
): Promise<MfaSessionCredentials | undefined> => {
  let entry: MfaSessionCacheEntry | undefined;
  try {
    entry = await cache.get(key);
  } catch (error) {
    log.warn(`could not read the session cache (${describeError(error)}); treating it as a miss.`);
    return undefined;
  }
  if (!entry) {
    return undefined;
  }

  const { expiration } = entry.credentials;
  if (expiration.getTime() <= criteria.nowMs || isForgottenSession(entry.credentials.accessKeyId)) {
    await deletePersistedSession(cache, key, log);
    return undefined;
  }
  const remainingMs = expiration.getTime() - criteria.nowMs;
  const newer = criteria.replacing === undefined || expiration.getTime() > criteria.replacing.getTime();
  if (remainingMs <= criteria.minRemainingMs || !newer) {
    return undefined;
  }
  log.debug(`using the session from the persistent cache, valid until ${expiration.toISOString()}.`);
  return entry.credentials;
};

/**
 * Stores a new session in the persistent cache. A failure is logged and not thrown, because the
 * session is valid and already cached in memory.
 * @internal
 */
export const writePersistedSession = async (
  cache: MfaSessionCache,
  key: string,
  entry: MfaSessionCacheEntry,
  log: PrefixedLogger,
): Promise<void> => {
  try {
    await cache.set(key, entry);
  } catch (error) {
    log.warn(`could not store the session in the session cache (${describeError(error)}); other processes will ask for a code again.`);
  }
};

const deletePersistedSession = async (cache: MfaSessionCache, key: string, log: PrefixedLogger): Promise<void> => {
  try {
    await cache.delete(key);
  } catch (error) {
    log.warn(`could not remove an expired session from the session cache (${describeError(error)}).`);
  }
};

/**
 * Runs `task` under the cache's cross-process lock for `key`, or directly when the cache has none.
 * @internal
 */
export const withPersistedSessionLock = <T>(cache: MfaSessionCache, key: string, task: () => Promise<T>): Promise<T> =>
  cache.withLock ? cache.withLock(key, task) : task();

/**
 * Options of {@link clearCachedSessions}. Without `profile` and `key`, every session is removed.
 * @public
 */
export interface ClearCachedSessionsOptions {
  /** Persistent cache to clear, such as `fileCache()`. */
  cache: MfaSessionCache;
  /** Removes only the sessions obtained for this shared config profile. */
  profile?: string;
  /** Removes only the session with this key, as `cache.list()` returns it. */
  key?: string;
}

/**
 * Removes sessions from a persistent cache, and the same sessions from this process's in-memory
 * cache, so that the next call of a provider requests a new code. Returns how many sessions that
 * `cache.list()` showed were removed. Damaged files are not listed, and stay until a new session
 * replaces them.
 * @public
 */
export const clearCachedSessions = async ({ cache, profile, key }: ClearCachedSessionsOptions): Promise<number> => {
  const listed = (await cache.list()).filter(
    (summary) => (profile === undefined || summary.profile === profile) && (key === undefined || summary.key === key),
  );
  const keys = new Set(listed.map((summary) => summary.key));
  // A key given explicitly is removed even when it is not listed, for example from memory only.
  if (key !== undefined) {
    keys.add(key);
  }

  for (const cacheKey of keys) {
    await cache.delete(cacheKey);
    deleteCachedSession(cacheKey);
  }
  return listed.length;
};

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
