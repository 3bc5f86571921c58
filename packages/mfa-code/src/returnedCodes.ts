import { createHash } from "node:crypto";

// Last code each TOTP-based source returned per serial, stored as a hash so no code stays in memory.
const lastCodeBySerial = new Map<string, string>();

const digestCode = (serialNumber: string, code: string): string =>
  createHash("sha256").update(`${serialNumber}\n${code}`).digest("hex");

/**
 * Tells whether `code` is the last code returned for `serialNumber` by a TOTP-based source in this
 * process. AWS accepts each code only once, so returning it again would fail.
 * @internal
 */
export const isLastReturnedCode = (serialNumber: string, code: string): boolean =>
  lastCodeBySerial.get(serialNumber) === digestCode(serialNumber, code);

/** @internal */
export const rememberReturnedCode = (serialNumber: string, code: string): void => {
  lastCodeBySerial.set(serialNumber, digestCode(serialNumber, code));
};
