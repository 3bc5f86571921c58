import { open } from "node:fs/promises";

import { Secret, TOTP, URI } from "otpauth";

import { MfaCodeSourceError, systemErrorCode } from "./errors.js";

/** Location of the secret that {@link loadTotpKey} reads. Exactly one field is set. @internal */
export interface TotpSecretLocation {
  secret?: string | Uint8Array;
  secretFile?: string;
  secretEnv?: string;
}

/** A decoded TOTP key, with the parameters an `otpauth://` URI carried. @internal */
export interface TotpKey {
  secret: Secret;
  digits?: number;
  period?: number;
  algorithm?: string;
}

// Maximum size of a secret file, in bytes. Key URIs are a few hundred bytes, so more means the wrong file.
const MAX_SECRET_FILE_BYTES = 4096;

const BASE32 = /^[A-Z2-7]+$/;

// Spaces, dashes and "=" padding that authenticator setup pages add to base32 secrets.
const BASE32_DECORATION = /[\s=-]/g;

const invalidSecret = (origin: string, problem: string): MfaCodeSourceError =>
  new MfaCodeSourceError(
    `totpMfaCode: ${origin} ${problem}. Use the base32 secret shown when the virtual MFA device was set ` +
      `up, or its otpauth://totp/ URI.`,
    { code: "MFA_TOTP_SECRET_INVALID" },
  );

/**
 * Decodes a base32 secret or an `otpauth://totp/` URI. Errors name `origin` (option, file or
 * variable) and never include any part of the text.
 * @internal
 */
export const parseTotpKey = (text: string, origin: string): TotpKey => {
  const trimmed = text.trim();
  if (trimmed === "") {
    throw new MfaCodeSourceError(`totpMfaCode: ${origin} is empty. Put the base32 TOTP secret there.`, {
      code: "MFA_TOTP_SECRET_MISSING",
    });
  }

  if (/^otpauth:\/\//i.test(trimmed)) {
    let otp: ReturnType<typeof URI.parse>;
    try {
      otp = URI.parse(trimmed);
    } catch {
      throw invalidSecret(origin, "is not a valid otpauth:// URI");
    }
    if (!(otp instanceof TOTP)) {
      throw invalidSecret(origin, "is an otpauth://hotp/ URI, but AWS virtual MFA devices use TOTP");
    }
    return { secret: otp.secret, digits: otp.digits, period: otp.period, algorithm: otp.algorithm };
  }

  const base32 = trimmed.replace(BASE32_DECORATION, "").toUpperCase();
  if (!BASE32.test(base32)) {
    throw invalidSecret(origin, "contains characters outside the base32 alphabet (A-Z, 2-7)");
  }
  return { secret: Secret.fromBase32(base32) };
};

// Reads at most one byte past the limit, so a device such as /dev/zero cannot fill the memory.
const readBounded = async (path: string): Promise<Buffer> => {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) {
        break;
      }
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
};

const readSecretFile = async (path: string): Promise<string> => {
  let content: Buffer;
  try {
    content = await readBounded(path);
  } catch (error) {
    const code = systemErrorCode(error) ?? "unknown error";
    throw new MfaCodeSourceError(
      `totpMfaCode cannot read the TOTP secret file ${path} (${code}). Check that the file exists and ` +
        `that this user may read it.`,
      { code: "MFA_TOTP_SECRET_UNREADABLE", unavailable: code === "ENOENT" },
    );
  }

  if (content.length > MAX_SECRET_FILE_BYTES) {
    throw invalidSecret(`the secret file ${path}`, `is larger than ${MAX_SECRET_FILE_BYTES} bytes`);
  }
  return content.toString("utf8");
};

/**
 * Loads the TOTP key from the option, file or environment variable on each call, so that a
 * replaced file or changed variable takes effect without a restart.
 * @internal
 */
export const loadTotpKey = async (location: TotpSecretLocation): Promise<TotpKey> => {
  if (location.secret instanceof Uint8Array) {
    if (location.secret.length === 0) {
      throw new MfaCodeSourceError("totpMfaCode: the secret option is an empty byte array.", {
        code: "MFA_TOTP_SECRET_MISSING",
      });
    }
    // Copies the bytes, because a small Buffer shares a larger pool ArrayBuffer with other data.
    return { secret: new Secret({ buffer: new Uint8Array(location.secret).buffer }) };
  }
  if (location.secret !== undefined) {
    return parseTotpKey(location.secret, "the secret option");
  }

  if (location.secretFile !== undefined) {
    const text = await readSecretFile(location.secretFile);
    return parseTotpKey(text, `the secret file ${location.secretFile}`);
  }

  const name = location.secretEnv ?? "";
  const value = process.env[name];
  if (value === undefined || value.trim() === "") {
    throw new MfaCodeSourceError(
      `totpMfaCode: the environment variable ${name} is not set. Set it to the base32 TOTP secret ` +
        `of the MFA device.`,
      { code: "MFA_TOTP_SECRET_MISSING", unavailable: true },
    );
  }
  return parseTotpKey(value, `the environment variable ${name}`);
};
