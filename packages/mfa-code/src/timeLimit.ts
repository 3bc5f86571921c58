import type { MfaCodeContext } from "@mfa-session/credential-provider";

import { MfaCodeSourceError } from "./errors.js";

/**
 * Returns the time in milliseconds a source may take: the smaller of `timeoutMs` and the time left
 * until `context.deadline`, or `defaultMs` when neither is given. The result may be 0 or less when
 * the deadline has already passed.
 * @internal
 */
export const resolveTimeLimitMs = (
  timeoutMs: number | undefined,
  context: MfaCodeContext | undefined,
  defaultMs: number,
): number => {
  const limits: number[] = [];
  if (timeoutMs !== undefined) {
    limits.push(timeoutMs);
  }
  if (context?.deadline !== undefined) {
    limits.push(context.deadline.getTime() - Date.now());
  }
  return limits.length === 0 ? defaultMs : Math.min(...limits);
};

/** Creates the MFA_ABORTED error of a source whose caller aborted `context.signal`. @internal */
export const abortedError = (source: string, serialDescription: string): MfaCodeSourceError =>
  new MfaCodeSourceError(
    `${source} stopped waiting for the MFA code for ${serialDescription} because the caller aborted the ` +
      `request, usually because its deadline passed.`,
    { code: "MFA_ABORTED" },
  );

/**
 * Waits `ms` milliseconds with `setTimeout`, so fake timers can drive it. Rejects with the error
 * from `onAbort` when `signal` is aborted first.
 * @internal
 */
export const sleep = (ms: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(onAbort());
      return;
    }

    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", abort, { once: true });
  });
