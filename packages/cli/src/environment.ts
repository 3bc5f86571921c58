import type { MfaSessionCredentials } from "@mfa-session/credential-provider";

/**
 * Output formats of `mfa-session env`.
 * @public
 */
export const ENV_FORMATS = ["sh", "fish", "powershell", "json"] as const;

/** @public */
export type EnvFormat = (typeof ENV_FORMATS)[number];

/**
 * Variables removed from the environment of a session: the long-term keys, the legacy token
 * variable, and the profile variables. The JS SDK's default chain skips environment keys while
 * `AWS_PROFILE` is set, so the profile has to go for the session keys to be used.
 * @public
 */
export const REMOVED_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CREDENTIAL_EXPIRATION",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
] as const;

/**
 * Formats a time as RFC 3339 in UTC with a `Z` and whole seconds, as `credential_process` output
 * and `AWS_CREDENTIAL_EXPIRATION` expect it.
 * @public
 */
export const formatExpiration = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/**
 * Returns the variables that carry a session: keys, token, expiry and, when known, the region.
 * @public
 */
export const sessionVariables = (credentials: MfaSessionCredentials, region?: string): Record<string, string> => {
  const variables: Record<string, string> = {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: formatExpiration(credentials.expiration),
  };
  if (region !== undefined) {
    variables.AWS_REGION = region;
    variables.AWS_DEFAULT_REGION = region;
  }
  return variables;
};

/**
 * Builds the environment of a child process: the parent's, without {@link REMOVED_VARIABLES},
 * with the session's `variables`.
 * @public
 */
export const sessionEnvironment = (parent: NodeJS.ProcessEnv, variables: Record<string, string>): NodeJS.ProcessEnv => {
  const environment: NodeJS.ProcessEnv = { ...parent };
  for (const name of REMOVED_VARIABLES) {
    delete environment[name];
  }
  return { ...environment, ...variables };
};

/**
 * Renders commands for `format` that first unset {@link REMOVED_VARIABLES} that are not set again,
 * then set `variables`. Every value is quoted for that shell, so it is taken literally whatever it
 * contains. JSON output is one object of the variables to set.
 * @public
 */
export const formatEnvironment = (variables: Record<string, string>, format: EnvFormat): string => {
  if (format === "json") {
    return `${JSON.stringify(variables, undefined, 2)}\n`;
  }

  const unset = REMOVED_VARIABLES.filter((name) => !(name in variables));
  const lines: string[] = [];
  switch (format) {
    case "sh":
      lines.push(`unset ${unset.join(" ")}`);
      lines.push(...Object.entries(variables).map(([name, value]) => `export ${name}=${quoteForSh(value)}`));
      break;
    case "fish":
      lines.push(...unset.map((name) => `set -e ${name}`));
      lines.push(...Object.entries(variables).map(([name, value]) => `set -gx ${name} ${quoteForFish(value)}`));
      break;
    case "powershell":
      lines.push(...unset.map((name) => `Remove-Item -ErrorAction SilentlyContinue Env:${name}`));
      lines.push(...Object.entries(variables).map(([name, value]) => `$Env:${name} = ${quoteForPowerShell(value)}`));
      break;
  }
  return `${lines.join("\n")}\n`;
};

// POSIX sh: nothing is special inside single quotes, so a quote is closed, escaped and reopened.
const quoteForSh = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

// fish: inside single quotes only \\ and \' are escapes.
const quoteForFish = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

// PowerShell: inside single quotes a quote is doubled. PowerShell also treats the typographic
// quotes U+2018..U+201B as single quotes, so they are doubled as well.
const quoteForPowerShell = (value: string): string => `'${value.replace(/['\u2018-\u201b]/g, (quote) => quote + quote)}'`;
