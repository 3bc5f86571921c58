import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Logger } from "@smithy/types";

import { clearRootSourceAnswers } from "../src/detectRootSource.js";
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
  clearRootSourceAnswers();
};

/**
 * Points the SDK's shared config files at a temporary config file with `content` for the tests of
 * the calling suite, and restores the environment afterwards.
 */
export const useSharedConfigFile = (content: string): void => {
  const saved: Record<string, string | undefined> = {};
  let directory: string | undefined;

  beforeEach(() => {
    for (const name of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) saved[name] = process.env[name];
    directory = mkdtempSync(join(tmpdir(), "mfa-shared-config-"));
    process.env.AWS_CONFIG_FILE = join(directory, "config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, "credentials");
    writeFileSync(process.env.AWS_CONFIG_FILE, content);
  });

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (directory) rmSync(directory, { recursive: true, force: true });
  });
};
