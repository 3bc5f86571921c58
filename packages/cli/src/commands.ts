import { stat } from "node:fs/promises";

import { clearCachedSessions, type MfaSessionCacheSummary } from "@mfa-session/credential-provider";

import { ENV_FORMATS, formatEnvironment, formatExpiration, sessionEnvironment, sessionVariables, type EnvFormat } from "./environment.js";
import { EXIT_CODES, UsageError } from "./errors.js";
import { CLEAR_HELP, CREDENTIAL_PROCESS_HELP, ENV_HELP, EXEC_HELP, STATUS_HELP } from "./help.js";
import { createStderrLogger, type CliOutput } from "./logger.js";
import { parseCacheArgs, parseEnvArgs, parseSessionArgs, readNonEmpty, readSessionSettings } from "./options.js";
import { runCommand } from "./runCommand.js";
import { obtainSession, openCache } from "./session.js";

/** Output streams and environment of a command, besides its arguments. @internal */
export interface CommandContext {
  output: CliOutput;
  environment: NodeJS.ProcessEnv;
}

/** `credential-process`: prints the session as the AWS CLI and SDKs read it. @internal */
export const credentialProcessCommand = async (args: string[], context: CommandContext): Promise<number> => {
  const values = parseSessionArgs("credential-process", args);
  if (values.help) {
    context.output.stdout(`${CREDENTIAL_PROCESS_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const settings = readSessionSettings("credential-process", values);
  // AWS_PROFILE is no fallback here, because it usually names the profile whose credential_process runs this command.
  if (settings.profile === undefined) {
    throw new UsageError("credential-process: --profile is required: name the profile with the long-term keys and mfa_serial.");
  }

  const { credentials } = await obtainSession(settings.profile, settings, context.output);
  const document = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: formatExpiration(credentials.expiration),
  };
  context.output.stdout(`${JSON.stringify(document)}\n`);
  return EXIT_CODES.ok;
};

/** `env`: prints shell commands that export the session. @internal */
export const envCommand = async (args: string[], context: CommandContext): Promise<number> => {
  const values = parseEnvArgs(args);
  if (values.help) {
    context.output.stdout(`${ENV_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const format = (values.format ?? "sh") as EnvFormat;
  if (!ENV_FORMATS.includes(format)) {
    throw new UsageError(`env: invalid --format "${format}": expected one of ${ENV_FORMATS.join(", ")}.`);
  }
  const settings = readSessionSettings("env", values);

  const { credentials, region } = await obtainSession(defaultProfile(settings.profile, context), settings, context.output);
  context.output.stdout(formatEnvironment(sessionVariables(credentials, region), format));
  return EXIT_CODES.ok;
};

/** `exec`: runs a command with the session in its environment. @internal */
export const execCommand = async (args: string[], context: CommandContext): Promise<number> => {
  const separator = args.indexOf("--");
  const optionArgs = separator === -1 ? args : args.slice(0, separator);
  const values = parseSessionArgs("exec", optionArgs);
  if (values.help) {
    context.output.stdout(`${EXEC_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const command = separator === -1 ? [] : args.slice(separator + 1);
  if (command.length === 0) {
    throw new UsageError("exec: no command given: put it after --, as in mfa-session exec --profile dev -- aws s3 ls.");
  }
  const settings = readSessionSettings("exec", values);

  const { credentials, region } = await obtainSession(defaultProfile(settings.profile, context), settings, context.output);
  const environment = sessionEnvironment(context.environment, sessionVariables(credentials, region));
  return runCommand(command, environment, context.output);
};

/** `status`: lists cached sessions without anything secret. @internal */
export const statusCommand = async (args: string[], context: CommandContext, now = Date.now()): Promise<number> => {
  const values = parseCacheArgs("status", args);
  if (values.help) {
    context.output.stdout(`${STATUS_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const profile = readNonEmpty("status", "--profile", values.profile);
  const cache = openCache({ useCache: true, cacheDirectory: readNonEmpty("status", "--cache-dir", values["cache-dir"]) }, createStderrLogger(context.output, values.debug ?? false))!;

  if ((await inspectCacheDirectory(cache.directory)) === "missing") {
    context.output.stdout(`No cached sessions in ${cache.directory}.\n`);
    return EXIT_CODES.ok;
  }
  const sessions = (await cache.list())
    .filter((session) => profile === undefined || session.profile === profile)
    .sort((a, b) => a.expiration.getTime() - b.expiration.getTime());
  if (sessions.length === 0) {
    context.output.stdout(`No cached sessions in ${cache.directory}.\n`);
    return EXIT_CODES.ok;
  }
  context.output.stdout(formatStatusTable(sessions, now));
  return EXIT_CODES.ok;
};

/** `clear`: removes cached sessions, of one profile or all. @internal */
export const clearCommand = async (args: string[], context: CommandContext): Promise<number> => {
  const values = parseCacheArgs("clear", args);
  if (values.help) {
    context.output.stdout(`${CLEAR_HELP}\n`);
    return EXIT_CODES.ok;
  }
  const profile = readNonEmpty("clear", "--profile", values.profile);
  const cache = openCache({ useCache: true, cacheDirectory: readNonEmpty("clear", "--cache-dir", values["cache-dir"]) }, createStderrLogger(context.output, values.debug ?? false))!;

  const removed = (await inspectCacheDirectory(cache.directory)) === "missing" ? 0 : await clearCachedSessions({ cache, profile });
  const scope = profile === undefined ? "" : ` of profile ${profile}`;
  context.output.stdout(`Removed ${removed} cached session${removed === 1 ? "" : "s"}${scope}.\n`);
  return EXIT_CODES.ok;
};

/**
 * Tells whether the cache directory exists, without creating it, and throws when the path cannot
 * be a cache directory, so that `status` and `clear` do not report success on an unusable cache.
 */
const inspectCacheDirectory = async (directory: string): Promise<"missing" | "directory"> => {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(directory)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return "missing";
    }
    throw new Error(`could not read the cache directory ${directory} (${code ?? String(error)}). Check --cache-dir.`);
  }
  if (!isDirectory) {
    throw new Error(`the cache path ${directory} is not a directory. Check --cache-dir.`);
  }
  return "directory";
};

// Cache files are ours, but a planted one must not move the cursor or paint the terminal.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here.
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");

const defaultProfile = (profile: string | undefined, context: CommandContext): string =>
  profile ?? (context.environment.AWS_PROFILE || "default");

/**
 * Renders sessions as an aligned table. The cache key is left out because it contains the source
 * access key id.
 * @internal
 */
export const formatStatusTable = (sessions: MfaSessionCacheSummary[], now: number): string => {
  const rows = sessions.map((session) => [
    printable(session.profile ?? "-"),
    printable(session.serialNumber ?? "-"),
    printable(session.region),
    formatExpiration(session.expiration),
    formatTimeLeft(session.expiration.getTime() - now),
  ]);
  const table = [["PROFILE", "MFA SERIAL", "REGION", "EXPIRES (UTC)", "LEFT"], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd()).join("\n") + "\n";
};

/** Formats a duration in milliseconds as `11h 58m`, `4m`, or `expired`. @internal */
export const formatTimeLeft = (milliseconds: number): string => {
  if (milliseconds <= 0) {
    return "expired";
  }
  const minutes = Math.floor(milliseconds / 60_000);
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours}h ${minutes % 60}m` : `${minutes}m`;
};
