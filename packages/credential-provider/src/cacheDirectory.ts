import { chmod, mkdir, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";

import { MfaSessionCacheError } from "./cacheErrors.js";

/**
 * Environment variable that sets the directory of `fileCache()` when its `directory` option is not set.
 * @public
 */
export const CACHE_DIRECTORY_ENV = "MFA_SESSION_CACHE_DIR";

/** Name of the directory created under the user's cache directory. @internal */
export const CACHE_DIRECTORY_NAME = "mfa-session";

/** Permissions of the cache directory: only its owner may list, read or create files. @internal */
export const PRIVATE_DIRECTORY_MODE = 0o700;

/** The parts of the process environment that choose the default cache directory. @internal */
export interface CacheDirectoryEnvironment {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

/**
 * Returns the absolute path of the cache directory: `directory`, else `MFA_SESSION_CACHE_DIR`, else
 * the platform's per-user cache directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux and other
 * Unix systems, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on Windows) with `mfa-session` appended.
 * Throws `CACHE_DIRECTORY_UNRESOLVED` when none of them is set.
 * @internal
 */
export const resolveCacheDirectory = (
  directory: string | undefined,
  environment: CacheDirectoryEnvironment = { env: process.env, platform: process.platform },
): string => {
  if (directory) {
    return resolve(directory);
  }
  const { env, platform } = environment;
  if (env[CACHE_DIRECTORY_ENV]) {
    return resolve(env[CACHE_DIRECTORY_ENV]);
  }

  const userCacheDirectory = defaultUserCacheDirectory(env, platform);
  if (userCacheDirectory === undefined) {
    const missing = platform === "win32" ? "LOCALAPPDATA and USERPROFILE are" : "HOME is";
    throw new MfaSessionCacheError(
      `Cannot choose a directory for the MFA session cache because ${missing} not set to an absolute path. ` +
        `Set the directory option of fileCache(), or the ${CACHE_DIRECTORY_ENV} environment variable, to a directory for the cache.`,
      "CACHE_DIRECTORY_UNRESOLVED",
    );
  }
  return join(userCacheDirectory, CACHE_DIRECTORY_NAME);
};

// Only absolute paths count, as the XDG Base Directory specification requires for XDG_CACHE_HOME.
// NOTE: a missing HOME is not replaced by the password database's home directory. A process
// started without HOME (a service, `env -i`) gets an error asking for an explicit directory.
const defaultUserCacheDirectory = (env: Record<string, string | undefined>, platform: NodeJS.Platform): string | undefined => {
  const absolute = (value: string | undefined) => (value && isAbsolute(value) ? value : undefined);

  if (platform === "win32") {
    const localAppData = absolute(env.LOCALAPPDATA);
    const profile = absolute(env.USERPROFILE);
    return localAppData ?? (profile && join(profile, "AppData", "Local"));
  }

  const home = absolute(env.HOME);
  if (platform === "darwin") {
    return home && join(home, "Library", "Caches");
  }
  return absolute(env.XDG_CACHE_HOME) ?? (home && join(home, ".cache"));
};

/**
 * Creates the cache directory with mode 0700 if it is missing, and returns whether it can be trusted.
 * A directory owned by another user is not trusted. A directory of ours that others may read or
 * write is narrowed to 0700 and trusted, because every file in it is checked again when read.
 * Each problem is passed to `warn`; nothing is thrown.
 * @internal
 */
export const preparePrivateDirectory = async (directory: string, warn: (message: string) => void): Promise<boolean> => {
  try {
    await makeParents(dirname(directory));
    await mkdir(directory, { mode: PRIVATE_DIRECTORY_MODE });
    // The umask cannot widen 0700, but a umask such as 0200 could narrow it below what we need.
    await chmod(directory, PRIVATE_DIRECTORY_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
      warn(`could not create the cache directory ${directory} (${describeFsError(error)}); the cache is not used.`);
      return false;
    }
  }

  return checkPrivateDirectory(directory, warn);
};

// Creates missing parents one level at a time. Node 20's mkdir with `recursive: true` loops forever
// when a parent cannot be created and stays missing, as under /proc.
const makeParents = async (directory: string): Promise<void> => {
  const missing: string[] = [];
  for (let current = directory; ; current = dirname(current)) {
    const exists = await stat(current).then(
      () => true,
      () => false,
    );
    if (exists || dirname(current) === current) {
      break;
    }
    missing.unshift(current);
  }
  for (const path of missing) {
    await mkdir(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  }
};

const checkPrivateDirectory = async (directory: string, warn: (message: string) => void): Promise<boolean> => {
  let info;
  try {
    info = await stat(directory);
  } catch (error) {
    warn(`could not read the cache directory ${directory} (${describeFsError(error)}); the cache is not used.`);
    return false;
  }
  if (!info.isDirectory()) {
    warn(`the cache path ${directory} is not a directory; the cache is not used.`);
    return false;
  }
  // NOTE: on Windows the checks below are skipped: modes and uids are not meaningful there, and
  // the default directory under %LOCALAPPDATA% is private to the user by its ACL.
  if (process.platform === "win32" || process.getuid === undefined) {
    return true;
  }

  if (info.uid !== process.getuid()) {
    warn(`the cache directory ${directory} is owned by another user (uid ${info.uid}); the cache is not used.`);
    return false;
  }
  const mode = info.mode & 0o777;
  if ((mode & 0o077) === 0) {
    return true;
  }
  try {
    await chmod(directory, PRIVATE_DIRECTORY_MODE);
  } catch (error) {
    warn(`the cache directory ${directory} has mode ${formatMode(mode)} and could not be changed to 0700 (${describeFsError(error)}); the cache is not used.`);
    return false;
  }
  warn(`the cache directory ${directory} had mode ${formatMode(mode)}, which lets other users in; changed it to 0700.`);
  return true;
};

/** Formats permission bits the way `chmod` takes them, such as `0644`. @internal */
export const formatMode = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, "0")}`;

/** Describes a file system error by its code, such as `EACCES`, else its message. @internal */
export const describeFsError = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === "string") {
    return code;
  }
  return error instanceof Error ? error.message : String(error);
};
