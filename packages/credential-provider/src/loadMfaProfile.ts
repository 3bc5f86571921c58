import { getProfileName, loadSharedConfigFiles } from "@smithy/shared-ini-file-loader";
import type { AwsCredentialIdentity, ParsedIniData, Profile } from "@smithy/types";

import { MfaSessionError } from "./errors.js";

/** Shared file a profile setting was read from, named in the debug log. @internal */
export type SettingOrigin = "config" | "credentials";

/**
 * MFA session settings read from a shared config profile and its `source_profile` chain.
 * @public
 */
export interface MfaProfile {
  /** Name of the profile that was requested. */
  profileName: string;
  /** `mfa_serial` of the profile, else of its source profile. */
  serialNumber?: string;
  /** `duration_seconds`, as a whole number. */
  durationSeconds?: number;
  region?: string;
  /** `endpoint_url` of the profile, used for STS. */
  endpoint?: string;
  /** True when `sts_regional_endpoints = legacy`. */
  useGlobalEndpoint?: boolean;
  /** `mfa_session_fallback_regions`, a comma-separated list. */
  fallbackRegions?: string[];
  /** `mfa_process`: a command whose output is the MFA code. */
  mfaProcess?: string;
  /** `role_arn`, which this package does not assume; it is read only to warn about it. */
  roleArn?: string;
  /**
   * Static keys from the profile, or from the first profile of its `source_profile` chain that has
   * them. It is absent only when `requireKeys` is false and no profile of the chain has keys.
   */
  source?: AwsCredentialIdentity;
  /** Name of the profile the keys came from. */
  sourceProfileName: string;
}

/** @internal */
export interface LoadMfaProfileOptions {
  /** Profile name; falls back to `AWS_PROFILE`, then `default`, as the SDK does. */
  profile?: string;
  /** Called with one line per setting saying which file it came from. */
  debug?: (message: string) => void;
  /**
   * Throws when no profile of the chain has static keys. Set it to false when the keys come from
   * elsewhere and the profile only supplies settings.
   * @default true
   */
  requireKeys?: boolean;
}

/**
 * Reads the MFA settings of a profile from the shared config and credentials files, found and
 * merged the way the SDK's own loader does: for a profile in both files, credentials-file keys win.
 * @public
 */
export const loadMfaProfile = async (options: LoadMfaProfileOptions = {}): Promise<MfaProfile> => {
  const profileName = getProfileName({ profile: options.profile });
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const lookup = (name: string) => mergeProfile(name, configFile, credentialsFile);

  const requested = lookup(profileName);
  if (!requested) {
    throw new MfaSessionError(
      `Profile ${profileName} was not found in the shared config file (${describeConfigPath()}) or the ` +
        `credentials file (${describeCredentialsPath()}). Add it, or set profile or AWS_PROFILE to an existing one.`,
      { code: "PROFILE_NOT_FOUND" },
    );
  }
  for (const [key, origin] of Object.entries(requested.origins)) {
    options.debug?.(`profile ${profileName}: ${key} from the ${origin} file.`);
  }

  const sourceChain = followSourceProfiles(profileName, lookup);
  const keysProfile = sourceChain[sourceChain.length - 1]!;
  const settings = requested.values;
  const serialNumber = settings.mfa_serial ?? sourceChain.map((name) => lookup(name)?.values.mfa_serial).find(Boolean);

  return {
    profileName,
    serialNumber,
    durationSeconds: parseDuration(profileName, settings.duration_seconds, requested.origins.duration_seconds),
    region: settings.region,
    endpoint: settings.endpoint_url,
    useGlobalEndpoint: settings.sts_regional_endpoints === "legacy" ? true : undefined,
    fallbackRegions: parseList(settings.mfa_session_fallback_regions),
    mfaProcess: settings.mfa_process,
    roleArn: settings.role_arn,
    source: options.requireKeys === false && !hasKeys(lookup(keysProfile)!.values) ? undefined : readKeys(keysProfile, lookup(keysProfile)!.values),
    sourceProfileName: keysProfile,
  };
};

interface MergedProfile {
  values: Profile;
  origins: Record<string, SettingOrigin>;
}

const mergeProfile = (name: string, configFile: ParsedIniData, credentialsFile: ParsedIniData): MergedProfile | undefined => {
  // Own properties only, so that "constructor" or "toString" is not mistaken for a profile.
  const fromConfig = Object.hasOwn(configFile, name) ? configFile[name] : undefined;
  const fromCredentials = Object.hasOwn(credentialsFile, name) ? credentialsFile[name] : undefined;
  if (!fromConfig && !fromCredentials) {
    return undefined;
  }

  const origins: Record<string, SettingOrigin> = {};
  for (const key of Object.keys(fromConfig ?? {})) origins[key] = "config";
  for (const key of Object.keys(fromCredentials ?? {})) origins[key] = "credentials";
  return { values: { ...fromConfig, ...fromCredentials }, origins };
};

// Returns the profile names from the requested one to the one whose keys sign GetSessionToken.
const followSourceProfiles = (start: string, lookup: (name: string) => MergedProfile | undefined): string[] => {
  const chain = [start];
  let current = start;
  for (;;) {
    const values = lookup(current)?.values;
    if (!values) {
      throw new MfaSessionError(
        `Profile ${chain[chain.length - 2]} names source_profile ${current}, which was not found in the shared ` +
          `config or credentials file. Add profile ${current}, or correct source_profile.`,
        { code: "PROFILE_NOT_FOUND" },
      );
    }
    const next = values.source_profile;
    // A profile naming itself as its source uses its own keys, as the SDK allows.
    if (hasKeys(values) || next === undefined || next === current) {
      return chain;
    }
    if (chain.includes(next)) {
      throw new MfaSessionError(
        `The source_profile chain of profile ${start} loops: ${[...chain, next].join(" -> ")}. ` +
          `Point one of these profiles at a profile with aws_access_key_id and aws_secret_access_key.`,
        { code: "PROFILE_INVALID" },
      );
    }
    chain.push(next);
    current = next;
  }
};

const hasKeys = (values: Profile): boolean => Boolean(values.aws_access_key_id && values.aws_secret_access_key);

const readKeys = (profileName: string, values: Profile): AwsCredentialIdentity => {
  if (!values.aws_access_key_id || !values.aws_secret_access_key) {
    throw new MfaSessionError(
      `Profile ${profileName} has no aws_access_key_id and aws_secret_access_key, and no source_profile that has them. ` +
        `Add an IAM user's long-term keys to it, or set source_profile to a profile that has them.`,
      { code: "PROFILE_INVALID" },
    );
  }
  return {
    accessKeyId: values.aws_access_key_id,
    secretAccessKey: values.aws_secret_access_key,
    sessionToken: values.aws_session_token,
  };
};

const parseDuration = (profileName: string, value: string | undefined, origin: SettingOrigin | undefined): number | undefined => {
  if (value === undefined) {
    return undefined;
  }
  if (/^\d+$/.test(value) && Number.isSafeInteger(Number(value))) {
    return Number(value);
  }
  const file = origin === "credentials" ? describeCredentialsPath() : describeConfigPath();
  throw new MfaSessionError(
    `Invalid duration_seconds "${value}" in profile ${profileName} of ${file}: expected a whole number of ` +
      `seconds from 900 to 129600. Correct or remove the setting.`,
    { code: "PROFILE_INVALID" },
  );
};

const parseList = (value: string | undefined): string[] | undefined => {
  const items = value?.split(",").map((item) => item.trim()).filter(Boolean);
  return items && items.length > 0 ? items : undefined;
};

const describeConfigPath = (): string => process.env.AWS_CONFIG_FILE ?? "~/.aws/config";
const describeCredentialsPath = (): string => process.env.AWS_SHARED_CREDENTIALS_FILE ?? "~/.aws/credentials";
