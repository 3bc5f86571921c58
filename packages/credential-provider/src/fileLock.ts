import { setTimeout as sleep } from "node:timers/promises";

import lockfile from "proper-lockfile";

import { MfaSessionCacheError } from "./cacheErrors.js";

/**
 * Shortest `staleLockMs` that proper-lockfile accepts (2 seconds); smaller values are raised to it.
 * @internal
 */
export const MIN_STALE_LOCK_MS = 2_000;

// Waits between two tries to take a busy lock: short at first, so that a waiter notices a lock
// released by a process that only read the cache, and then longer, so that waiting costs little.
const FIRST_RETRY_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 250;

/** @internal */
export interface FileLockOptions {
  /** Time to wait for a lock held by another process before `CACHE_LOCK_TIMEOUT`, in milliseconds. */
  timeoutMs: number;
  /** Age after which a lock whose holder stopped updating it is taken over, in milliseconds. */
  staleMs: number;
  /** Called when the held lock was lost, for example taken over after the event loop stalled. */
  onCompromised: (error: Error) => void;
  /** Callback run once when the lock has been busy for {@link WAIT_NOTICE_MS}, so a waiter can log why it waits. */
  onWait?: () => void;
}

/** Time a lock may be busy before `onWait` is called, in milliseconds. @internal */
export const WAIT_NOTICE_MS = 1_000;

/** Releases a lock taken by {@link acquireFileLock}. @internal */
export type ReleaseFileLock = () => Promise<void>;

/**
 * Takes the exclusive lock `lockPath`, shared by every process on the machine, waiting up to
 * `timeoutMs` while another process holds it. proper-lockfile creates `lockPath` as a directory
 * (atomic on local and network file systems) and its holder updates the directory's mtime every
 * `staleMs / 2`, so the lock of a process that was killed is taken over once `staleMs` has passed.
 * @internal
 */
export const acquireFileLock = async (lockPath: string, options: FileLockOptions): Promise<ReleaseFileLock> => {
  const started = Date.now();
  const staleMs = Math.max(options.staleMs, MIN_STALE_LOCK_MS);
  let delayMs = FIRST_RETRY_DELAY_MS;
  let noticed = false;

  for (;;) {
    try {
      return await lockfile.lock(lockPath, {
        realpath: false,
        lockfilePath: lockPath,
        stale: staleMs,
        update: staleMs / 2,
        retries: 0,
        onCompromised: options.onCompromised,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ELOCKED") {
        throw error;
      }
    }

    const waitedMs = Date.now() - started;
    if (!noticed && waitedMs >= WAIT_NOTICE_MS) {
      noticed = true;
      options.onWait?.();
    }
    if (waitedMs >= options.timeoutMs) {
      throw new MfaSessionCacheError(
        `Timed out after ${waitedMs} ms waiting for the cache lock ${lockPath}, which another process holds ` +
          `while it obtains the same MFA session (it may be waiting for a code). Answer or stop that process, ` +
          `or raise lockTimeoutMs of fileCache(). A lock left by a process that died is taken over after ` +
          `staleLockMs (${staleMs} ms).`,
        "CACHE_LOCK_TIMEOUT",
      );
    }
    await sleep(Math.min(delayMs, options.timeoutMs - waitedMs));
    delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
  }
};
