import { parseArgs, type ParseArgsConfig } from "node:util";

import { MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from "@mfa-session/credential-provider";

import { UsageError } from "./errors.js";

type OptionDefinitions = NonNullable<ParseArgsConfig["options"]>;

/** Options of every command that obtains a session. @internal */
export const SESSION_OPTIONS = {
  profile: { type: "string" },
  region: { type: "string" },
  "duration-seconds": { type: "string" },
  "endpoint-url": { type: "string" },
  "no-cache": { type: "boolean" },
  "cache-dir": { type: "string" },
  "totp-secret-env": { type: "string" },
  "code-command": { type: "string" },
  "mfa-code": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionDefinitions;

/** Options of `status` and `clear`, which only read or change the file cache. @internal */
export const CACHE_OPTIONS = {
  profile: { type: "string" },
  "cache-dir": { type: "string" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionDefinitions;

/** Settings that select where the MFA code comes from, before the profile's `mfa_process`. @internal */
export interface CodeSourceSettings {
  mfaCode?: string;
  totpSecretEnv?: string;
  codeCommand?: string;
}

/** Everything a command needs to obtain a session. @internal */
export interface SessionSettings {
  /** Profile name as given with `--profile`; the command decides the fallback. */
  profile?: string;
  region?: string;
  durationSeconds?: number;
  endpointUrl?: string;
  useCache: boolean;
  cacheDirectory?: string;
  debug: boolean;
  code: CodeSourceSettings;
}

/** Options of `env`: the session options and the output format. @internal */
export const ENV_OPTIONS = { ...SESSION_OPTIONS, format: { type: "string" } } as const satisfies OptionDefinitions;

// Turns parseArgs' own errors, such as an unknown option, into usage errors that name the command.
const parseStrictly = <T extends OptionDefinitions>(command: string, args: string[], options: T) => {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
};

/** Parses the options of `credential-process` and `exec`. @internal */
export const parseSessionArgs = (command: string, args: string[]): SessionValues => parseStrictly(command, args, SESSION_OPTIONS);

/** Parses the options of `env`. @internal */
export const parseEnvArgs = (args: string[]): SessionValues & { format?: string } => parseStrictly("env", args, ENV_OPTIONS);

/** Parses the options of `status` and `clear`. @internal */
export const parseCacheArgs = (command: string, args: string[]): CacheValues => parseStrictly(command, args, CACHE_OPTIONS);

type OptionValues<T extends OptionDefinitions> = { [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string };

/** @internal */
export type SessionValues = OptionValues<typeof SESSION_OPTIONS>;

/** @internal */
export type CacheValues = OptionValues<typeof CACHE_OPTIONS>;

/** Checks and converts the values of {@link SESSION_OPTIONS}. @internal */
export const readSessionSettings = (command: string, values: SessionValues): SessionSettings => {
  if (values["no-cache"] && values["cache-dir"] !== undefined) {
    throw new UsageError(`${command}: --no-cache and --cache-dir cannot be used together.`);
  }
  return {
    profile: readNonEmpty(command, "--profile", values.profile),
    region: readRegion(command, values.region),
    durationSeconds: readDuration(command, values["duration-seconds"]),
    endpointUrl: readEndpointUrl(command, values["endpoint-url"]),
    useCache: !values["no-cache"],
    cacheDirectory: readNonEmpty(command, "--cache-dir", values["cache-dir"]),
    debug: values.debug ?? false,
    code: {
      mfaCode: readMfaCode(command, values["mfa-code"]),
      totpSecretEnv: readNonEmpty(command, "--totp-secret-env", values["totp-secret-env"]),
      codeCommand: readNonEmpty(command, "--code-command", values["code-command"]),
    },
  };
};

/** Returns `value`, or throws when an option was given an empty string. @internal */
export const readNonEmpty = (command: string, option: string, value: string | undefined): string | undefined => {
  if (value !== undefined && value.trim() === "") {
    throw new UsageError(`${command}: ${option} must not be empty.`);
  }
  return value;
};

const readDuration = (command: string, value: string | undefined): number | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const seconds = Number(value);
  // The root user's narrower range (900 to 3600) is checked later, when the profile is known.
  if (!/^\d+$/.test(value) || seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    throw new UsageError(
      `${command}: invalid --duration-seconds "${shorten(value)}": expected a whole number of seconds ` +
        `(${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}).`,
    );
  }
  return seconds;
};

const readRegion = (command: string, value: string | undefined): string | undefined => {
  const region = readNonEmpty(command, "--region", value);
  if (region !== undefined && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new UsageError(`${command}: invalid --region "${shorten(region)}": expected a region name such as eu-west-1.`);
  }
  return region;
};

// Keeps a huge argument from being repeated in full on stderr.
const shorten = (value: string): string => (value.length > 80 ? `${value.slice(0, 77)}...` : value);

const readEndpointUrl = (command: string, value: string | undefined): string | undefined => {
  if (value === undefined) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${command}: invalid --endpoint-url "${value}": expected a URL such as http://127.0.0.1:4566.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${command}: invalid --endpoint-url "${value}": the scheme must be http or https.`);
  }
  return value;
};

// The value is never repeated in the message, even though it is the user's own one-time code.
const readMfaCode = (command: string, value: string | undefined): string | undefined => {
  if (value === undefined) {
    return undefined;
  }
  const code = value.replace(/[\s-]/g, "");
  if (!/^\d{6}$/.test(code)) {
    throw new UsageError(`${command}: invalid --mfa-code: expected the six digits the MFA device shows.`);
  }
  return code;
};
