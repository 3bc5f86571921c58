import { LRUCache } from "lru-cache";

import { SESSION_CACHE_MAX_ENTRIES } from "./constants.js";
import type { MfaSessionCredentials } from "./types.js";

/** @internal */
export interface CachedSession {
  credentials: MfaSessionCredentials;
  /** Epoch milliseconds before which no advisory refresh is tried again, after one failed. */
  nextRefreshAttempt: number;
}

/**
 * Fields that change which session STS issues. Two providers with equal fields share a session.
 * @internal
 */
export interface SessionCacheKeyFields {
  /** Access key id of the long-term credentials; the secret is never part of the key. */
  sourceAccessKeyId: string;
  serialNumber: string | undefined;
  durationSeconds: number;
  region: string;
  endpoint: string | undefined;
  profile: string | undefined;
}

/** @internal */
export const sessionCacheKey = (fields: SessionCacheKeyFields): string =>
  JSON.stringify([
    fields.sourceAccessKeyId,
    fields.serialNumber ?? null,
    fields.durationSeconds,
    fields.region,
    fields.endpoint ?? null,
    fields.profile ?? null,
  ]);

// One cache per process, so that every provider instance and every SDK client shares sessions.
const sessions = new LRUCache<string, CachedSession>({ max: SESSION_CACHE_MAX_ENTRIES });

const inFlight = new Map<string, Promise<MfaSessionCredentials>>();

/** @internal */
export const getCachedSession = (key: string): CachedSession | undefined => sessions.get(key);

/** @internal */
export const storeSession = (key: string, credentials: MfaSessionCredentials): void => {
  sessions.set(key, { credentials, nextRefreshAttempt: 0 });
};

/** @internal */
export const deleteCachedSession = (key: string): void => {
  sessions.delete(key);
};

/**
 * Tells whether a fetch for `key` is running.
 * @internal
 */
export const isFetchRunning = (key: string): boolean => inFlight.has(key);

/**
 * Runs `fetch` unless a fetch for the same key is already running, in which case every caller
 * receives that one's result or error. The next call after it settles starts a new fetch.
 * @internal
 */
export const fetchOnce = (key: string, fetch: () => Promise<MfaSessionCredentials>): Promise<MfaSessionCredentials> => {
  const running = inFlight.get(key);
  if (running) {
    return running;
  }

  const started = fetch().finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
};

/**
 * Removes every session cached in this process, so the next call of any provider requests a new
 * one. Sessions already handed to SDK clients stay in use by those clients until they expire.
 * @public
 */
export const clearSessionCache = (): void => {
  sessions.clear();
};

// Sessions rejected by a service, so a persistent cache does not hand them out again either.
const forgottenAccessKeyIds = new Set<string>();

/**
 * Tells whether {@link forgetMfaSession} was called for this access key id in this process.
 * @internal
 */
export const isForgottenSession = (accessKeyId: string): boolean => forgottenAccessKeyIds.has(accessKeyId);

/** @internal */
export const clearForgottenSessions = (): void => {
  forgottenAccessKeyIds.clear();
};

/**
 * Removes the cached session whose access key id is `accessKeyId`, for example after a service
 * rejected it as expired, so the next call of a provider obtains a new one. A persistent cache
 * entry with that key id is deleted when a provider next reads it. Returns whether a session was
 * removed from memory.
 * @public
 */
export const forgetMfaSession = (accessKeyId: string): boolean => {
  forgottenAccessKeyIds.add(accessKeyId);
  let removed = false;
  for (const [key, session] of sessions.entries()) {
    if (session.credentials.accessKeyId === accessKeyId) {
      sessions.delete(key);
      removed = true;
    }
  }
  return removed;
};
