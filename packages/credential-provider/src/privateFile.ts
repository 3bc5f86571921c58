import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, rename, unlink } from "node:fs/promises";
import { join } from "node:path";

import { describeFsError, formatMode } from "./cacheDirectory.js";

/** Permissions of every cache file: read and write for the owner only. @internal */
export const PRIVATE_FILE_MODE = 0o600;

// A cache file is a few hundred bytes. Anything far larger is not ours, and is not read into memory.
const MAX_FILE_BYTES = 64 * 1024;

/** Inode and mtime of a file as read, so that it is removed only if it was not replaced since. @internal */
export interface FileIdentity {
  ino: number;
  mtimeMs: number;
}

/**
 * Outcome of reading a private file: its text, `missing`, or the reason it is not trusted,
 * worded to follow "the file …" and never quoting the content.
 * @internal
 */
export type PrivateFileRead =
  | { status: "read"; text: string; identity: FileIdentity }
  | { status: "missing" }
  | { status: "rejected"; problem: string };

/**
 * Reads a file only if it is a regular file (not a symbolic link) owned by the current user that
 * no other user may read or write. The checks run on the opened descriptor, so the file cannot be
 * swapped between the check and the read.
 * @internal
 */
export const readPrivateFile = async (path: string): Promise<PrivateFileRead> => {
  let handle;
  try {
    // O_NONBLOCK keeps a FIFO planted at the path from blocking the open; the type check below rejects it.
    handle = await open(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return { status: "missing" };
    }
    if (code === "ELOOP") {
      return { status: "rejected", problem: "is a symbolic link" };
    }
    return { status: "rejected", problem: `could not be opened (${describeFsError(error)})` };
  }

  try {
    const info = await handle.stat();
    const problem = describeUntrustedFile(info);
    if (problem) {
      return { status: "rejected", problem };
    }
    const text = await handle.readFile({ encoding: "utf8" });
    return { status: "read", text, identity: { ino: info.ino, mtimeMs: info.mtimeMs } };
  } catch (error) {
    return { status: "rejected", problem: `could not be read (${describeFsError(error)})` };
  } finally {
    await handle.close();
  }
};

const describeUntrustedFile = (info: { isFile(): boolean; size: number; uid: number; mode: number }): string | undefined => {
  if (!info.isFile()) {
    return "is not a regular file";
  }
  if (info.size > MAX_FILE_BYTES) {
    return `is larger than ${MAX_FILE_BYTES} bytes`;
  }
  // NOTE: skipped on Windows, where uids and modes are not meaningful; the directory's ACL applies.
  if (process.platform === "win32" || process.getuid === undefined) {
    return undefined;
  }
  if (info.uid !== process.getuid()) {
    return `is owned by another user (uid ${info.uid})`;
  }
  if ((info.mode & 0o077) !== 0) {
    return `has mode ${formatMode(info.mode)}, which lets other users read or change it`;
  }
  return undefined;
};

/**
 * Replaces `directory/name` with `text` so that readers see the old file or the new one, never a
 * part: the text goes to a temporary file in the same directory, created with mode 0600 whatever
 * the umask, flushed to disk, then renamed over the target.
 * @internal
 */
export const writePrivateFileAtomic = async (directory: string, name: string, text: string): Promise<void> => {
  const temporaryPath = join(directory, `.${name}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temporaryPath, "wx", PRIVATE_FILE_MODE);
  try {
    try {
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(text, { encoding: "utf8" });
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, join(directory, name));
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }

  await syncDirectory(directory);
};

// Flushes the rename itself, so that a crash right after it cannot bring back the old file.
// Windows cannot open a directory for this, so there the rename may be lost in a crash.
const syncDirectory = async (directory: string): Promise<void> => {
  if (process.platform === "win32") {
    return;
  }
  const handle = await open(directory, constants.O_RDONLY).catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
};

/**
 * Removes `path` unless it was replaced after it was read as `identity`. Returns whether it was removed.
 * NOTE: another process can still rename a new file over `path` between the check and the
 * removal. That new session is then lost, and the next process obtains another one.
 * @internal
 */
export const removeFileIfUnchanged = async (path: string, identity: FileIdentity): Promise<boolean> => {
  try {
    const info = await lstat(path);
    if (info.ino !== identity.ino || info.mtimeMs !== identity.mtimeMs) {
      return false;
    }
    await unlink(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return false;
    }
    throw error;
  }
};
