import type { Logger } from "@smithy/types";

/** Output streams of the CLI, which tests replace to capture the text. @internal */
export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * Builds the SDK-shaped logger given to `fromMfaSession` and `fileCache`. Warnings and errors
 * always go to stderr; debug and info lines only with `--debug`. The provider and the cache never
 * put keys, session tokens or codes in their lines, and neither does the CLI.
 * @internal
 */
export const createStderrLogger = (output: CliOutput, debug: boolean): Logger => {
  const write = (level: string, content: unknown[]) =>
    output.stderr(`mfa-session ${level}: ${content.map((part) => (part instanceof Error ? part.message : String(part))).join(" ")}\n`);
  const skip = () => undefined;
  return {
    debug: debug ? (...content: unknown[]) => write("debug", content) : skip,
    info: debug ? (...content: unknown[]) => write("info", content) : skip,
    warn: (...content: unknown[]) => write("warning", content),
    error: (...content: unknown[]) => write("error", content),
  };
};
