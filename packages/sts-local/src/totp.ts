// RFC 6238 time-based one-time passwords with HMAC-SHA1, written with node:crypto only, so that the
// server checks codes independently of the TOTP library that examples and clients use.
import { createHmac } from "node:crypto";

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** Default TOTP time step in seconds, as RFC 6238 recommends. */
export const TOTP_STEP_SECONDS = 30;

/** Options of {@link totpCode}. */
export interface TotpOptions {
  /** Number of digits in the code, 6 to 10. Default 6, which is what AWS virtual MFA devices use. */
  digits?: number;
  /** Length of one time step in seconds. Default 30. */
  stepSeconds?: number;
}

/**
 * Decodes an RFC 4648 base32 string, the usual encoding of TOTP secrets.
 * Letters may be lower case, and spaces and `=` padding are ignored.
 * Throws a TypeError for any other character outside the base32 alphabet, or for an empty secret.
 */
export function decodeBase32(text: string): Buffer {
  const cleaned = text.replace(/[\s=]/g, "").toUpperCase();
  if (cleaned.length === 0) {
    throw new TypeError("Invalid base32 secret: it is empty.");
  }

  const bytes: number[] = [];
  let buffer = 0;
  let bitCount = 0;
  for (const character of cleaned) {
    const value = BASE32_ALPHABET.indexOf(character);
    if (value === -1) {
      throw new TypeError("Invalid base32 secret: it contains a character outside A-Z and 2-7.");
    }
    buffer = (buffer << 5) | value;
    bitCount += 5;
    if (bitCount >= 8) {
      bitCount -= 8;
      bytes.push((buffer >> bitCount) & 0xff);
    }
    // Keep only the bits not yet written, so the shift above cannot overflow.
    buffer &= (1 << bitCount) - 1;
  }
  return Buffer.from(bytes);
}

/** Computes the RFC 4226 HOTP value of `key` for the 64-bit `counter`, as a zero-padded string. */
export function hotpCode(key: Buffer, counter: number, digits = 6): string {
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new RangeError(`Invalid digits ${digits}: expected an integer from 6 to 10.`);
  }
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new RangeError(`Invalid HOTP counter ${counter}: expected a non-negative safe integer.`);
  }

  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", key).update(message).digest();

  // Dynamic truncation (RFC 4226 section 5.3): the low nibble of the last byte picks 4 bytes,
  // and the top bit is cleared so the value is a positive 31-bit integer.
  const offset = digest[digest.length - 1] & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  const code = binary % 10 ** digits;
  return code.toString().padStart(digits, "0");
}

/** Returns the TOTP time step number that contains `timeMs` (milliseconds since the Unix epoch). */
export function totpStep(timeMs: number, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(timeMs / 1000 / stepSeconds);
}

/**
 * Computes the RFC 6238 TOTP code (HMAC-SHA1) of a base32 secret at `timeMs`,
 * in milliseconds since the Unix epoch.
 */
export function totpCode(secretBase32: string, timeMs: number, options: TotpOptions = {}): string {
  const stepSeconds = options.stepSeconds ?? TOTP_STEP_SECONDS;
  if (!(stepSeconds > 0)) {
    throw new RangeError(`Invalid stepSeconds ${stepSeconds}: expected a positive number.`);
  }
  return hotpCode(decodeBase32(secretBase32), totpStep(timeMs, stepSeconds), options.digits ?? 6);
}
