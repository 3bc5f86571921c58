import { MfaSessionError } from "./errors.js";
import type { MfaCodeProvider, MfaCodeReason } from "./types.js";
import { normalizeMfaCode } from "./validate.js";

/** @internal */
export interface MfaCodeRequest {
  mfaCodeProvider: MfaCodeProvider;
  serialNumber: string;
  profile: string | undefined;
  reason: MfaCodeReason;
  attempt: number;
  maxAttempts: number;
  expiration: Date | undefined;
  message: string | undefined;
  timeoutMs: number;
  nowMs: number;
}

const describeCaller = (request: MfaCodeRequest): string =>
  request.profile === undefined
    ? `serial ${request.serialNumber}`
    : `serial ${request.serialNumber} (profile ${request.profile})`;

/**
 * Calls `mfaCodeProvider` once, bounded by the timeout. Returns the trimmed code, or undefined
 * when the result is a string but not six digits, so the caller can request another.
 * @internal
 */
export const requestMfaCode = async (request: MfaCodeRequest): Promise<string | undefined> => {
  const abort = new AbortController();
  const deadline = new Date(request.nowMs + request.timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(
        new MfaSessionError(
          `mfaCodeProvider did not return a code for ${describeCaller(request)} within ` +
            `${request.timeoutMs} ms. Answer the prompt sooner, or raise mfaCodeTimeoutMs.`,
          { code: "MFA_CODE_TIMEOUT" },
        ),
      );
    }, request.timeoutMs);
  });

  let answer: unknown;
  try {
    const pending = Promise.resolve().then(() =>
      request.mfaCodeProvider(request.serialNumber, {
        reason: request.reason,
        attempt: request.attempt,
        maxAttempts: request.maxAttempts,
        serialNumber: request.serialNumber,
        profile: request.profile,
        expiration: request.expiration,
        deadline,
        signal: abort.signal,
        message: request.message,
      }),
    );
    answer = await Promise.race([pending, timedOut]);
  } catch (error) {
    if (error instanceof MfaSessionError) {
      throw error;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new MfaSessionError(`mfaCodeProvider failed for ${describeCaller(request)}: ${reason}`, {
      code: "MFA_CODE_PROVIDER_FAILED",
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }

  // The returned value stays out of the message, because it may be a real code or a secret.
  if (typeof answer !== "string") {
    throw new MfaSessionError(
      `mfaCodeProvider returned a value of type ${answer === null ? "null" : typeof answer} for ` +
        `${describeCaller(request)}; it must resolve to the six-digit code as a string.`,
      { code: "MFA_CODE_NOT_STRING" },
    );
  }
  return normalizeMfaCode(answer);
};
