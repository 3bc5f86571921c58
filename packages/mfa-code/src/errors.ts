/**
 * Stable identifiers of every failure the MFA code sources report. The package README lists when
 * each happens and what to do.
 * @public
 */
export type MfaCodeSourceErrorCode =
  | "MFA_INVALID_OPTION"
  | "MFA_ABORTED"
  | "MFA_NO_TERMINAL"
  | "MFA_PROMPT_TIMEOUT"
  | "MFA_PROMPT_CLOSED"
  | "MFA_PROMPT_INVALID_INPUT"
  | "MFA_TOTP_SECRET_MISSING"
  | "MFA_TOTP_SECRET_UNREADABLE"
  | "MFA_TOTP_SECRET_INVALID"
  | "MFA_TOTP_CLOCK_STALLED"
  | "MFA_ENV_UNSET"
  | "MFA_ENV_CODE_INVALID"
  | "MFA_ENV_CODE_REUSED"
  | "MFA_COMMAND_NOT_FOUND"
  | "MFA_COMMAND_FAILED"
  | "MFA_COMMAND_TIMEOUT"
  | "MFA_COMMAND_INVALID_OUTPUT"
  | "MFA_YKMAN_NOT_FOUND"
  | "MFA_YKMAN_NO_DEVICE"
  | "MFA_YKMAN_FAILED"
  | "MFA_ALL_UNAVAILABLE";

/** @public */
export interface MfaCodeSourceErrorOptions {
  /** Stable identifier of the failure. */
  code: MfaCodeSourceErrorCode;
  /**
   * `true` when the source cannot be used in this environment at all (no terminal, variable unset,
   * program not installed), so that {@link firstAvailable} moves on to the next source.
   * @default false
   */
  unavailable?: boolean;
  /** The error that led to this one, such as the system error of a failed `open` or `spawn`. */
  cause?: unknown;
}

/**
 * Failure of an MFA code source. Messages name the serial, file, variable or command involved,
 * but never contain a code, a TOTP secret or the output of a command.
 * @public
 */
export class MfaCodeSourceError extends Error {
  override name = "MfaCodeSourceError";
  readonly code: MfaCodeSourceErrorCode;
  readonly unavailable: boolean;

  constructor(message: string, options: MfaCodeSourceErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = options.code;
    this.unavailable = options.unavailable ?? false;
  }
}

/**
 * Tells whether a value is an {@link MfaCodeSourceError}, optionally with the given code.
 * @public
 */
export const isMfaCodeSourceError = (value: unknown, code?: MfaCodeSourceErrorCode): value is MfaCodeSourceError =>
  value instanceof MfaCodeSourceError && (code === undefined || value.code === code);

/**
 * Tells whether an error from any code source marks that source as unusable here, which is the
 * case for every error with `unavailable: true`, not only {@link MfaCodeSourceError}.
 * @public
 */
export const isSourceUnavailable = (error: unknown): boolean =>
  typeof error === "object" && error !== null && (error as { unavailable?: unknown }).unavailable === true;

/** Returns the errno code of a system error, such as `ENOENT`, or undefined. @internal */
export const systemErrorCode = (error: unknown): string | undefined => {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : undefined;
};
