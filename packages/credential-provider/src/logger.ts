import type { Logger } from "@smithy/types";

/**
 * A logger whose lines start with the package and function name. Methods the target logger lacks
 * are skipped, as the SDK does with `logger?.debug?.(…)`.
 * @internal
 */
export interface PrefixedLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  readonly target: Logger | undefined;
}

/** @internal */
export const prefixLogger = (logger: Logger | undefined, functionName: string): PrefixedLogger => {
  const prefix = `@mfa-session/credential-provider - ${functionName}:`;
  return {
    debug: (message) => logger?.debug?.(`${prefix} ${message}`),
    info: (message) => logger?.info?.(`${prefix} ${message}`),
    warn: (message) => logger?.warn?.(`${prefix} ${message}`),
    error: (message) => logger?.error?.(`${prefix} ${message}`),
    target: logger,
  };
};
