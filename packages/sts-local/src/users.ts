// Validation of the configured users and the identity (ARN, UserId) that STS reports for each.
import { createHash } from "node:crypto";

import { decodeBase32 } from "./totp.js";
import type { StsLocalUser } from "./types.js";

/** Account id of users that do not set one (the account id that AWS documentation uses). */
export const DEFAULT_ACCOUNT = "123456789012";

/** A configured user with defaults applied and the values STS derives from it. */
export interface ResolvedUser {
  accessKeyId: string;
  secretAccessKey: string;
  userName: string;
  account: string;
  arn: string;
  /** Unique id returned by GetCallerIdentity: "AIDA" and 17 characters for an IAM user, the account id for root. */
  userId: string;
  mfaSerial: string | undefined;
  /** Decoded TOTP secret of the MFA device, undefined when the user has none. */
  totpKey: Buffer | undefined;
  root: boolean;
}

const UNIQUE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Derives a stable IAM-style unique id ("AIDA" + 17 characters) from the account and user name. */
function iamUserId(account: string, userName: string): string {
  const digest = createHash("sha256").update(`${account}:${userName}`).digest();
  let suffix = "";
  for (let index = 0; index < 17; index += 1) {
    suffix += UNIQUE_ID_ALPHABET[digest[index] % UNIQUE_ID_ALPHABET.length];
  }
  return `AIDA${suffix}`;
}

/** Throws a TypeError naming the user and field unless `value` is a non-empty string. */
function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`Invalid sts-local option ${field}: expected a non-empty string.`);
  }
  return value;
}

/**
 * Validates the configured users, applies defaults and returns them by access key id.
 * Throws a TypeError that names the user and field when a value is missing or invalid, when two users
 * share an access key id, or when a user has a TOTP secret without an MFA serial.
 */
export function resolveUsers(users: readonly StsLocalUser[]): Map<string, ResolvedUser> {
  if (!Array.isArray(users)) {
    throw new TypeError("Invalid sts-local option users: expected an array of users.");
  }

  const resolved = new Map<string, ResolvedUser>();
  users.forEach((user, index) => {
    const field = (name: string) => `users[${index}].${name}`;
    const accessKeyId = requireString(user.accessKeyId, field("accessKeyId"));
    const secretAccessKey = requireString(user.secretAccessKey, field("secretAccessKey"));
    if (!/^[A-Za-z0-9]{1,128}$/.test(accessKeyId)) {
      throw new TypeError(`Invalid sts-local option ${field("accessKeyId")} "${accessKeyId}": expected 1 to 128 letters and digits.`);
    }
    if (accessKeyId.startsWith("ASIA")) {
      throw new TypeError(`Invalid sts-local option ${field("accessKeyId")} "${accessKeyId}": ASIA keys are session keys, so use an AKIA key.`);
    }
    if (resolved.has(accessKeyId)) {
      throw new TypeError(`Invalid sts-local option ${field("accessKeyId")}: "${accessKeyId}" is already used by another user.`);
    }

    const account = user.account ?? DEFAULT_ACCOUNT;
    if (!/^\d{12}$/.test(account)) {
      throw new TypeError(`Invalid sts-local option ${field("account")} "${account}": expected 12 digits.`);
    }
    const userName = user.userName ?? `user-${index}`;
    if (!/^[\w+=,.@-]{1,64}$/.test(userName)) {
      throw new TypeError(`Invalid sts-local option ${field("userName")} "${userName}": expected 1 to 64 characters A-Z a-z 0-9 _+=,.@-.`);
    }

    const mfaSerial = user.mfaSerial === undefined ? undefined : requireString(user.mfaSerial, field("mfaSerial"));
    let totpKey: Buffer | undefined;
    if (user.totpSecret !== undefined) {
      if (mfaSerial === undefined) {
        throw new TypeError(`Invalid sts-local option ${field("totpSecret")}: it is set but ${field("mfaSerial")} is missing.`);
      }
      try {
        totpKey = decodeBase32(requireString(user.totpSecret, field("totpSecret")));
      } catch (error) {
        // The message of decodeBase32 never contains the secret, so passing it on leaks nothing.
        throw new TypeError(`Invalid sts-local option ${field("totpSecret")}: ${(error as Error).message}`);
      }
    }

    const root = user.root === true;
    resolved.set(accessKeyId, {
      accessKeyId,
      secretAccessKey,
      userName,
      account,
      arn: root ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user/${userName}`,
      userId: root ? account : iamUserId(account, userName),
      mfaSerial,
      totpKey,
      root,
    });
  });
  return resolved;
}
