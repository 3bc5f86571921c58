import type { MfaCodeContext, MfaCodeReason } from "@mfa-session/credential-provider";

// Fixed explanations per reason. The credential provider sends the same sentences for retries in
// `context.message`, and the prompt then shows them once.
const REASON_TEXT: Record<Exclude<MfaCodeReason, "refresh">, string> = {
  initial: "A new AWS session needs a code from the MFA device.",
  retry: "STS rejected the previous code. Enter the code now shown by the device.",
  reused: "That code was already used. Wait for the device to show the next one.",
  "invalid-format": "The previous answer was not a six-digit code.",
};

// C0 and C1 control characters, which would let a crafted profile name move the cursor or retitle the terminal.
const isControlCharacter = (char: string): boolean => {
  const code = char.charCodeAt(0);
  return code < 0x20 || (code >= 0x7f && code <= 0x9f);
};

/** Replaces control characters with "?" so a value can be shown on a terminal safely. @internal */
export const sanitizeForTerminal = (value: string): string =>
  Array.from(value, (char) => (isControlCharacter(char) ? "?" : char)).join("");

const formatClockTime = (date: Date): string => date.toTimeString().slice(0, 8);

const describeRefresh = (expiration: Date | undefined, nowMs: number): string => {
  if (expiration === undefined) {
    return "The current AWS session is about to expire. Enter a code to renew it.";
  }

  const minutesLeft = Math.max(0, Math.round((expiration.getTime() - nowMs) / 60_000));
  return (
    `The current AWS session expires at ${formatClockTime(expiration)} (in ${minutesLeft} min). ` +
    `Enter a code to renew it.`
  );
};

/**
 * Builds the lines shown above the input: which device, which profile, why a code is needed,
 * the caller's message, the attempt and the time limit.
 * @internal
 */
export const buildPromptHeader = (
  serialNumber: string,
  context: MfaCodeContext | undefined,
  timeLimitMs: number,
  nowMs: number,
): string => {
  const device =
    context?.profile === undefined
      ? `MFA device: ${serialNumber}`
      : `MFA device: ${serialNumber} (profile ${context.profile})`;

  const reason = context?.reason ?? "initial";
  const reasonText = reason === "refresh" ? describeRefresh(context?.expiration, nowMs) : REASON_TEXT[reason];

  const lines = [device, reasonText];
  if (context?.message !== undefined && context.message !== reasonText) {
    lines.push(context.message);
  }
  if (context !== undefined && context.attempt > 1) {
    lines.push(`Attempt ${context.attempt} of ${context.maxAttempts}.`);
  }
  lines.push(`Answer within ${Math.max(1, Math.round(timeLimitMs / 1000))} s.`);

  return lines.map(sanitizeForTerminal).join("\n") + "\n";
};

/** Text shown before the cursor on each input line. @internal */
export const INPUT_LABEL = "Enter the 6-digit code: ";

/** Builds the line shown after input that is not six digits. It never repeats the input. @internal */
export const buildInvalidInputNotice = (attemptsLeft: number): string =>
  `That was not a six-digit code (spaces and dashes between digits are fine). ` +
  `${attemptsLeft} ${attemptsLeft === 1 ? "try" : "tries"} left.\n`;
