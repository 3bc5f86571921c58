import { isMfaSessionError } from "@mfa-session/credential-provider";
import { isMfaCodeSourceError } from "@mfa-session/mfa-code";

/**
 * Exit statuses of `mfa-session`. `exec` also exits with the status of its command, or 128 plus
 * the signal number when a signal ended the command.
 * @public
 */
export const EXIT_CODES = {
  ok: 0,
  /** The session could not be obtained, the cache could not be read, or another runtime failure. */
  failure: 1,
  /** Invalid command line: unknown command or option, or an invalid value. */
  usage: 2,
  /** `exec`: the command was found but could not be run (for example, not executable). */
  cannotRun: 126,
  /** `exec`: the command was not found. */
  notFound: 127,
} as const;

/** An invalid command line: printed with a hint to `--help`, exit status 2. @internal */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * Renders an error as one line for stderr, because the AWS CLI shows the stderr of a failed
 * `credential_process` as part of its own message. The stable code is appended when there is one.
 * @internal
 */
export const describeFailure = (error: unknown): string => {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s*\n\s*/g, " ").trim();
  if (isMfaSessionError(error) || isMfaCodeSourceError(error)) {
    return `${oneLine} (${error.code})`;
  }
  const code = (error as { code?: unknown } | null)?.code;
  // The library's advice names fileCache() options; on the command line the flags do that job.
  const hint = code === "CACHE_DIRECTORY_UNRESOLVED" ? " On the command line, pass --cache-dir DIR, or --no-cache where the command has it." : "";
  return typeof code === "string" && /^[A-Z][A-Z_]+$/.test(code) ? `${oneLine}${hint} (${code})` : oneLine;
};
