import type { Logger } from "@smithy/types";

import { clearDisabledRegions } from "../src/disabledRegions.js";
import { clearForgottenSessions, clearSessionCache } from "../src/sessionCache.js";
import { clearUsedCodes } from "../src/usedCodes.js";

/** A logger that keeps every line, so tests can read what was logged and scan it for secrets. */
export interface CapturingLogger extends Logger {
  lines: { level: string; message: string }[];
  text(): string;
}

export const captureLogger = (): CapturingLogger => {
  const lines: { level: string; message: string }[] = [];
  const record =
    (level: string) =>
    (...content: unknown[]) => {
      lines.push({ level, message: content.map(String).join(" ") });
    };
  return {
    lines,
    text: () => lines.map((line) => `${line.level} ${line.message}`).join("\n"),
    trace: record("trace"),
    debug: record("debug"),
    info: record("info"),
    warn: record("warn"),
    error: record("error"),
  };
};

/** Forgets sessions, used codes and disabled regions kept in this process by earlier tests. */
export const resetProviderState = (): void => {
  clearSessionCache();
  clearForgottenSessions();
  clearUsedCodes();
  clearDisabledRegions();
};
