import type { Logger } from "@smithy/types";

/**
 * A logger whose lines start with the package and function name. Levels that the target logger
 * lacks are skipped, so a partial logger such as `{ warn }` works.
 * @internal
 */
export interface PrefixedLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

/** @internal */
export const prefixLogger = (logger: Partial<Logger> | undefined, functionName: string): PrefixedLogger => {
  const prefix = `@mfa-session/middleware - ${functionName}:`;
  return {
    debug: (message) => logger?.debug?.(`${prefix} ${message}`),
    info: (message) => logger?.info?.(`${prefix} ${message}`),
    warn: (message) => logger?.warn?.(`${prefix} ${message}`),
  };
};
