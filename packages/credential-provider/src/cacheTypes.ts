import type { MfaSessionCredentials } from "./types.js";

/**
 * One cached session with the settings a `status` listing shows. Only `credentials` is secret.
 * @public
 */
export interface MfaSessionCacheEntry {
  credentials: MfaSessionCredentials;
  /** Shared config profile the session was obtained for, if any. */
  profile?: string;
  /** MFA device serial the session was obtained with; absent for sessions without MFA. */
  serialNumber?: string;
  /** STS region the session was requested in. */
  region: string;
}

/**
 * A cache entry without its credentials, safe to print.
 * @public
 */
export interface MfaSessionCacheSummary {
  key: string;
  profile?: string;
  serialNumber?: string;
  region: string;
  expiration: Date;
}

/**
 * A store of sessions that `fromMfaSession` consults after its in-memory cache. Keys are opaque
 * strings built by the provider. A store shared between processes also implements `withLock`, so
 * that only one process at a time obtains a session for a key.
 * @public
 */
export interface MfaSessionCache {
  get(key: string): Promise<MfaSessionCacheEntry | undefined>;
  set(key: string, entry: MfaSessionCacheEntry): Promise<void>;
  delete(key: string): Promise<void>;
  list(): Promise<MfaSessionCacheSummary[]>;
  /** Runs `task` while holding an exclusive lock for `key`, across processes. */
  withLock?<T>(key: string, task: () => Promise<T>): Promise<T>;
}
