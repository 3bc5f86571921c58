import { createHash } from "node:crypto";

import type { MfaSessionCacheEntry } from "./cacheTypes.js";

/** Format version written in every cache file; files with another version are ignored. @internal */
export const CACHE_FILE_VERSION = 1;

const CACHE_FILE_NAME = /^[0-9a-f]{64}\.json$/;

/**
 * Returns the name of the file that stores `key`: the SHA-256 of the key in hex, so that neither
 * the access key id nor the profile in the key appears in a directory listing.
 * @internal
 */
export const cacheFileName = (key: string): string => `${createHash("sha256").update(key).digest("hex")}.json`;

/** Tells whether a directory entry has the name of a cache file. @internal */
export const isCacheFileName = (name: string): boolean => CACHE_FILE_NAME.test(name);

/** A parsed cache file, or the reason it cannot be used, worded to follow "the file …". @internal */
export type ParsedCacheFile = { key: string; entry: MfaSessionCacheEntry } | { problem: string };

/**
 * Returns the text of the cache file for `key`. Besides the credentials it contains only what a
 * status listing shows, and the key, which names the source access key id but no secret.
 * @internal
 */
export const serializeCacheFile = (key: string, entry: MfaSessionCacheEntry): string => {
  const { accessKeyId, secretAccessKey, sessionToken, expiration, accountId } = entry.credentials;
  const content = {
    version: CACHE_FILE_VERSION,
    key,
    profile: entry.profile,
    serialNumber: entry.serialNumber,
    region: entry.region,
    expiration: expiration.toISOString(),
    credentials: { accessKeyId, secretAccessKey, sessionToken, accountId },
  };
  return `${JSON.stringify(content, null, 2)}\n`;
};

/**
 * Parses the text of a cache file. Every problem is described without quoting the content,
 * because the content may contain credentials.
 * @internal
 */
export const parseCacheFile = (text: string): ParsedCacheFile => {
  if (text.trim() === "") {
    return { problem: "is empty" };
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    return { problem: "is not valid JSON (it may be truncated)" };
  }
  if (!isRecord(content)) {
    return { problem: "does not contain a JSON object" };
  }
  if (content.version !== CACHE_FILE_VERSION) {
    return { problem: `has an unknown format version (this version reads ${CACHE_FILE_VERSION})` };
  }

  const { key, profile, serialNumber, region, expiration, credentials } = content;
  const expirationDate = typeof expiration === "string" ? new Date(expiration) : undefined;
  const valid =
    typeof key === "string" &&
    isOptionalString(profile) &&
    isOptionalString(serialNumber) &&
    typeof region === "string" &&
    expirationDate !== undefined &&
    !Number.isNaN(expirationDate.getTime()) &&
    isRecord(credentials) &&
    isNonEmptyString(credentials.accessKeyId) &&
    isNonEmptyString(credentials.secretAccessKey) &&
    isNonEmptyString(credentials.sessionToken) &&
    isOptionalString(credentials.accountId);
  if (!valid) {
    return { problem: "does not have the fields of a cached session" };
  }

  return {
    key,
    entry: {
      credentials: {
        accessKeyId: credentials.accessKeyId as string,
        secretAccessKey: credentials.secretAccessKey as string,
        sessionToken: credentials.sessionToken as string,
        expiration: expirationDate,
        ...(credentials.accountId === undefined ? {} : { accountId: credentials.accountId as string }),
      },
      ...(profile === undefined ? {} : { profile }),
      ...(serialNumber === undefined ? {} : { serialNumber }),
      region,
    },
  };
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isOptionalString = (value: unknown): value is string | undefined => value === undefined || typeof value === "string";

const isNonEmptyString = (value: unknown): value is string => typeof value === "string" && value.length > 0;
