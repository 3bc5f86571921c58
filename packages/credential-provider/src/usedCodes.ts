import { createHash } from "node:crypto";

import { TOTP_STEP_MS } from "./constants.js";

// A TOTP code stays valid for about three steps, because STS accepts the previous and the next step.
const REUSE_WINDOW_STEPS = 2;

interface UsedCode {
  digest: string;
  step: number;
}

// Last code sent per serial, stored as a hash so that no code stays in memory after it is sent.
const lastCodeBySerial = new Map<string, UsedCode>();

const digestCode = (serialNumber: string, code: string): string =>
  createHash("sha256").update(`${serialNumber}\n${code}`).digest("hex");

const stepAt = (timeMs: number): number => Math.floor(timeMs / TOTP_STEP_MS);

/**
 * Tells whether `code` was the last code sent for `serialNumber` and may still be inside its
 * validity window, so sending it again would be rejected by STS as reused.
 * @internal
 */
export const isCodeReused = (serialNumber: string, code: string, nowMs: number): boolean => {
  const last = lastCodeBySerial.get(serialNumber);
  if (!last) {
    return false;
  }
  return last.digest === digestCode(serialNumber, code) && stepAt(nowMs) - last.step <= REUSE_WINDOW_STEPS;
};

/** @internal */
export const rememberUsedCode = (serialNumber: string, code: string, nowMs: number): void => {
  lastCodeBySerial.set(serialNumber, { digest: digestCode(serialNumber, code), step: stepAt(nowMs) });
};

/**
 * Forgets every code sent in this process.
 * @internal
 */
export const clearUsedCodes = (): void => {
  lastCodeBySerial.clear();
};
