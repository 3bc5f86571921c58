import { readdir, unlink } from "node:fs/promises";
import { join } from "node:path";

import type { Logger } from "@smithy/types";

import { isMfaSessionCacheError } from "./cacheErrors.js";
import { describeFsError, preparePrivateDirectory, resolveCacheDirectory } from "./cacheDirectory.js";
import { cacheFileName, isCacheFileName, parseCacheFile, serializeCacheFile } from "./cacheFile.js";
import type { MfaSessionCache, MfaSessionCacheEntry, MfaSessionCacheSummary } from "./cacheTypes.js";
import { acquireFileLock } from "./fileLock.js";
import { MAX_CLOCK_SKEW_MS } from "./checkServerClock.js";
import { MAX_DURATION_SECONDS } from "./constants.js";
import { prefixLogger } from "./logger.js";
import { readPrivateFile, removeFileIfUnchanged, writePrivateFileAtomic } from "./privateFile.js";
import { validatePositiveInteger } from "./validate.js";

/**
 * Time a process waits for another one that holds the lock of the same session (10 minutes). The
 * holder may be waiting for a person to type a code: up to `maxCodeAttempts` (3) calls of
 * `mfaCodeProvider` of `mfaCodeTimeoutMs` (3 minutes) each, plus the STS calls.
 * @public
 */
export const DEFAULT_LOCK_TIMEOUT_MS = 10 * 60_000;

/**
 * Age after which the lock of a process that stopped updating it, because it died, is taken over
 * (10 seconds). Minimum 2000.
 * @public
 */
export const DEFAULT_STALE_LOCK_MS = 10_000;

/**
 * Options of {@link fileCache}.
 * @public
 */
export interface FileCacheOptions {
  /**
   * Directory of the cache files, created with mode 0700 if missing.
   * @default `MFA_SESSION_CACHE_DIR`, else `mfa-session` in the user's cache directory:
   * `$XDG_CACHE_HOME` or `~/.cache` (Linux), `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows)
   */
  directory?: string;

  /**
   * Receives a warning for each cache file or directory that is damaged or not trusted, and debug lines.
   * @default warnings to `console.warn`, other lines dropped
   */
  logger?: Logger;

  /**
   * Time to wait, in milliseconds, for another process that is obtaining the same session, before
   * the call fails with `CACHE_LOCK_TIMEOUT`.
   * @default 600000 (10 minutes)
   */
  lockTimeoutMs?: number;

  /**
   * Age, in milliseconds, after which a lock whose holding process died is taken over. A live
   * holder renews its lock every `staleLockMs / 2`. Values below 2000 are raised to 2000.
   * @default 10000
   */
  staleLockMs?: number;
}

/**
 * A session cache stored in files, as {@link fileCache} returns it.
 * @public
 */
export interface FileSessionCache extends MfaSessionCache {
  /** Absolute path of the directory holding the cache files. */
  readonly directory: string;
  withLock<T>(key: string, task: () => Promise<T>): Promise<T>;
}

const consoleWarnings: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...content: unknown[]) => console.warn(...content),
  error: (...content: unknown[]) => console.error(...content),
};

/**
 * Creates a session cache kept in files, so that a session outlives the process and several
 * processes share it. Pass it as the `cache` option of `fromMfaSession`. Each session is one JSON
 * file, named by the SHA-256 of its key, with mode 0600 in a directory with mode 0700. A file that
 * is damaged, expired, or could have been read or changed by another user counts as a miss and is
 * logged, and the next session written replaces it. `withLock` lets one process at a time obtain
 * the session of a key, so that processes started together ask for one code.
 *
 * @example
 * ```ts
 * const credentials = fromMfaSession({ serialNumber, mfaCodeProvider, cache: fileCache() });
 * ```
 * @throws MfaSessionCacheError `CACHE_DIRECTORY_UNRESOLVED` when no directory is given and
 * HOME (USERPROFILE and LOCALAPPDATA on Windows) is not set
 * @public
 */
export const fileCache = (options: FileCacheOptions = {}): FileSessionCache => {
  validatePositiveInteger("lockTimeoutMs", options.lockTimeoutMs);
  validatePositiveInteger("staleLockMs", options.staleLockMs);
  const directory = resolveCacheDirectory(options.directory);
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const staleLockMs = options.staleLockMs ?? DEFAULT_STALE_LOCK_MS;
  const log = prefixLogger(options.logger ?? consoleWarnings, "fileCache");

  // Directory and file problems repeat on every call (a miss is read again under the lock), so
  // each distinct one is logged once per cache.
  const directoryWarnings = new Set<string>();
  const warnOnce = (message: string) => {
    if (!directoryWarnings.has(message)) {
      directoryWarnings.add(message);
      log.warn(message);
    }
  };
  const directoryIsUsable = () => preparePrivateDirectory(directory, warnOnce);

  const entryPath = (key: string) => join(directory, cacheFileName(key));

  // Reads and parses one cache file; every reason not to use it is logged with the path only.
  const readEntry = async (path: string) => {
    const read = await readPrivateFile(path);
    if (read.status === "missing") {
      return undefined;
    }
    if (read.status === "rejected") {
      warnOnce(`ignoring the cache file ${path}, which ${read.problem}; the next session replaces it.`);
      return undefined;
    }
    const parsed = parseCacheFile(read.text);
    if ("problem" in parsed) {
      warnOnce(`ignoring the cache file ${path}, which ${parsed.problem}; the next session replaces it.`);
      return undefined;
    }
    return { ...parsed, identity: read.identity };
  };

  return {
    directory,

    async get(key: string): Promise<MfaSessionCacheEntry | undefined> {
      if (!(await directoryIsUsable())) {
        return undefined;
      }
      const path = entryPath(key);
      const file = await readEntry(path);
      if (!file) {
        return undefined;
      }
      if (file.key !== key) {
        warnOnce(`ignoring the cache file ${path}, which belongs to another session; the next session replaces it.`);
        return undefined;
      }

      const { expiration } = file.entry.credentials;
      if (expiration.getTime() <= Date.now()) {
        log.info(`removing the cache file ${path}: its session expired at ${expiration.toISOString()}.`);
        await removeFileIfUnchanged(path, file.identity).catch((error) =>
          log.warn(`could not remove the expired cache file ${path} (${describeFsError(error)}).`),
        );
        return undefined;
      }
      // No STS session lasts longer than MAX_DURATION_SECONDS, so a later expiry means a forged file.
      if (expiration.getTime() > Date.now() + MAX_DURATION_SECONDS * 1000 + MAX_CLOCK_SKEW_MS) {
        warnOnce(`ignoring the cache file ${path}, whose expiry ${expiration.toISOString()} is later than any STS session; the next session replaces it.`);
        return undefined;
      }
      log.debug(`read a session valid until ${expiration.toISOString()} from ${path}.`);
      return file.entry;
    },

    async set(key: string, entry: MfaSessionCacheEntry): Promise<void> {
      if (!(await directoryIsUsable())) {
        return;
      }
      await writePrivateFileAtomic(directory, cacheFileName(key), serializeCacheFile(key, entry));
      log.debug(`wrote a session valid until ${entry.credentials.expiration.toISOString()} to ${entryPath(key)}.`);
    },

    async delete(key: string): Promise<void> {
      if (!(await directoryIsUsable())) {
        return;
      }
      await unlink(entryPath(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") {
          throw error;
        }
      });
    },

    // Expired sessions are listed too, so that a status listing can show them and clearing by
    // profile removes them.
    async list(): Promise<MfaSessionCacheSummary[]> {
      if (!(await directoryIsUsable())) {
        return [];
      }
      const names = (await readdir(directory)).filter(isCacheFileName).sort();
      const summaries: MfaSessionCacheSummary[] = [];
      for (const name of names) {
        const file = await readEntry(join(directory, name));
        if (!file) {
          continue;
        }
        const { profile, serialNumber, region, credentials } = file.entry;
        summaries.push({ key: file.key, profile, serialNumber, region, expiration: credentials.expiration });
      }
      return summaries;
    },

    async withLock<T>(key: string, task: () => Promise<T>): Promise<T> {
      if (!(await directoryIsUsable())) {
        warnOnce(`running without the cross-process lock, because the cache directory ${directory} is not used.`);
        return task();
      }

      const lockPath = entryPath(key).replace(/\.json$/, ".lock");
      let release;
      try {
        release = await acquireFileLock(lockPath, {
          timeoutMs: lockTimeoutMs,
          staleMs: staleLockMs,
          onCompromised: (error) =>
            log.warn(`lost the cache lock ${lockPath} (${describeFsError(error)}); another process may ask for a code too.`),
          onWait: () =>
            log.warn(
              `waiting for another process that holds the cache lock ${lockPath} while it obtains the same session ` +
                `(it may be asking for an MFA code); waiting up to ${lockTimeoutMs} ms.`,
            ),
        });
      } catch (error) {
        if (isMfaSessionCacheError(error, "CACHE_LOCK_TIMEOUT")) {
          throw error;
        }
        log.warn(`could not take the cache lock ${lockPath} (${describeFsError(error)}); continuing without it.`);
        return task();
      }

      log.debug(`took the cache lock ${lockPath}.`);
      try {
        return await task();
      } finally {
        await release().catch((error) =>
          log.warn(`could not release the cache lock ${lockPath} (${describeFsError(error)}); it becomes stale after ${staleLockMs} ms.`),
        );
      }
    },
  };
};
