import {
  fileCache,
  fromMfaSession,
  isMfaSessionError,
  loadMfaProfile,
  MfaSessionError,
  type FileSessionCache,
  type MfaSessionCredentials,
} from "@mfa-session/credential-provider";
import { isMfaCodeSourceError } from "@mfa-session/mfa-code";
import type { Logger } from "@smithy/types";

import { buildCodeSource } from "./codeSource.js";
import { createStderrLogger, type CliOutput } from "./logger.js";
import type { SessionSettings } from "./options.js";

/** A session and the region it should be used in, when one was configured. @internal */
export interface ObtainedSession {
  credentials: MfaSessionCredentials;
  /** `--region`, else the profile's `region`; undefined when neither is set. */
  region?: string;
}

/** Opens the file cache unless `--no-cache` was given. @internal */
export const openCache = (settings: Pick<SessionSettings, "useCache" | "cacheDirectory">, logger: Logger): FileSessionCache | undefined =>
  settings.useCache ? fileCache({ directory: settings.cacheDirectory, logger }) : undefined;

/**
 * Obtains a session for `profileName` with `fromMfaSession`: from the file cache when it contains one,
 * else from STS with a code from the sources of {@link buildCodeSource}.
 * @internal
 */
export const obtainSession = async (profileName: string, settings: SessionSettings, output: CliOutput): Promise<ObtainedSession> => {
  const logger = createStderrLogger(output, settings.debug);
  if (settings.code.mfaCode !== undefined) {
    logger.warn("--mfa-code leaves the code in your shell history and in the process list; prefer the prompt, --code-command or --totp-secret-env.");
  }

  // Read once here for mfa_process and the region; fromMfaSession reads the profile again itself.
  const profile = await loadMfaProfile({ profile: profileName, requireKeys: false });
  if (profile.serialNumber === undefined) {
    // A session without MFA would pass silently under credential_process, which hides stderr on success.
    throw new MfaSessionError(
      `Profile ${profileName} has no mfa_serial, nor has its source_profile chain, so no MFA session can be obtained. ` +
        `Add mfa_serial = arn:aws:iam::ACCOUNT:mfa/DEVICE to the profile.`,
      { code: "PROFILE_INVALID" },
    );
  }
  const codeSource = buildCodeSource(settings.code, profileName, profile.mfaProcess);
  logger.debug(`code sources in order: ${codeSource.names.join(", ")}.`);

  const provider = fromMfaSession({
    profile: profileName,
    mfaCodeProvider: codeSource.provider,
    durationSeconds: settings.durationSeconds,
    clientConfig: { region: settings.region, endpoint: settings.endpointUrl },
    logger,
    cache: openCache(settings, logger),
  });

  try {
    return { credentials: await provider(), region: settings.region ?? profile.region };
  } catch (error) {
    throw explainMissingCodeSource(error, profileName, profile.serialNumber, codeSource.names);
  }
};

/**
 * Replaces the error of a run in which no code source could be used (typically no terminal under
 * `credential_process` or in CI) by one line that gives each source's reason and every way to
 * supply a code.
 */
const explainMissingCodeSource = (error: unknown, profileName: string, serialNumber: string | undefined, sourceNames: string[]): unknown => {
  if (!isMfaSessionError(error, "MFA_CODE_PROVIDER_FAILED") || !isMfaCodeSourceError(error.cause) || !error.cause.unavailable) {
    return error;
  }
  const failures = error.cause.cause instanceof AggregateError ? error.cause.cause.errors : [error.cause];
  const reasons = sourceNames.map((name, index) => `${name}: ${describeUnavailable(failures[index])}`);
  // A fixed code is asked for again only after STS rejected it, so that is the failure to name first.
  const fixedCodeRejected = failures.some((failure) => isMfaCodeSourceError(failure) && failure.code === "MFA_ENV_CODE_REUSED");
  const lead = fixedCodeRejected ? "STS rejected the given MFA code, and no other code source is available" : "No MFA code source is available";
  return new NoCodeSourceError(
    `${lead} for profile ${profileName} (serial ${serialNumber ?? "unknown"}): ${reasons.join("; ")}. ` +
      `Run the command in a terminal to be prompted, or pass --totp-secret-env NAME, --code-command CMD or --mfa-code CODE, ` +
      `or set mfa_process in the profile.`,
    { cause: error },
  );
};

const UNAVAILABLE_REASONS: Record<string, string> = {
  MFA_NO_TERMINAL: "no terminal",
  MFA_TOTP_SECRET_MISSING: "variable unset or empty",
  MFA_TOTP_SECRET_UNREADABLE: "file not found",
  MFA_COMMAND_NOT_FOUND: "command not found",
  MFA_ENV_CODE_REUSED: "code already sent",
};

const describeUnavailable = (failure: unknown): string => {
  if (isMfaCodeSourceError(failure) && UNAVAILABLE_REASONS[failure.code] !== undefined) {
    return UNAVAILABLE_REASONS[failure.code]!;
  }
  return failure instanceof Error ? failure.message.replace(/\s*\n\s*/g, " ") : "unavailable";
};

/** No code source could be used: no terminal, and none of the other sources was configured. @internal */
export class NoCodeSourceError extends Error {
  override name = "NoCodeSourceError";
  readonly code = "MFA_CODE_SOURCE_UNAVAILABLE";
}
