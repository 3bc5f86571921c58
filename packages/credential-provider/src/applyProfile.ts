import { isMfaSessionError } from "./errors.js";
import { loadMfaProfile, type MfaProfile } from "./loadMfaProfile.js";
import type { PrefixedLogger } from "./logger.js";
import type { FromMfaSessionOptions } from "./types.js";

/** Options after the profile filled in what the caller left unset. @internal */
export interface ProfileOptions {
  options: FromMfaSessionOptions;
  /** The profile's `region`, which ranks after `clientConfig.region` and before the environment. */
  profileRegion: string | undefined;
}

/**
 * Returns a function that reads the profile named in `options.profile` (or, when nothing at all is
 * configured, the default profile) once, then returns the options with the profile's settings under
 * the explicit ones. A failed read is not remembered,
 * so a corrected file is picked up by the next call.
 * @internal
 */
export const createProfileResolver = (options: FromMfaSessionOptions) => {
  // With neither a profile, a serial nor keys given, the SDK's default profile (AWS_PROFILE, else
  // "default") supplies settings such as mfa_serial, but not keys: the default chain still picks
  // those, so environment variables keep their precedence.
  const implicit = options.profile === undefined && options.serialNumber === undefined && options.masterCredentials === undefined;
  let loading: Promise<MfaProfile | undefined> | undefined;
  let warnedRoleArn = false;

  return async (log: PrefixedLogger): Promise<ProfileOptions> => {
    if (options.profile === undefined && !implicit) {
      return { options, profileRegion: undefined };
    }

    loading ??= loadMfaProfile({
      profile: options.profile,
      requireKeys: !implicit && options.masterCredentials === undefined,
      debug: log.debug,
    }).catch((error: unknown) => {
      if (implicit && isMfaSessionError(error, "PROFILE_NOT_FOUND")) {
        log.debug("no shared config profile found; using the options and the default credential chain.");
        return undefined;
      }
      loading = undefined;
      throw error;
    });

    const profile = await loading;
    if (!profile) {
      return { options, profileRegion: undefined };
    }
    if (profile.roleArn !== undefined && !warnedRoleArn) {
      warnedRoleArn = true;
      log.warn(
        `profile ${profile.profileName} has role_arn, which is ignored: this session comes from GetSessionToken for ` +
          `the source user, not from AssumeRole. Use the SDK's fromIni for role profiles.`,
      );
    }
    return mergeProfile(options, implicit ? { ...profile, source: undefined } : profile, log);
  };
};

const mergeProfile = (options: FromMfaSessionOptions, profile: MfaProfile, log: PrefixedLogger): ProfileOptions => {
  if (options.masterCredentials === undefined && profile.source) {
    log.debug(`the source credentials are the keys of profile ${profile.sourceProfileName}.`);
  }

  const clientConfig = { ...options.clientConfig };
  clientConfig.endpoint ??= profile.endpoint;
  clientConfig.useGlobalEndpoint ??= profile.useGlobalEndpoint;

  return {
    options: {
      ...options,
      serialNumber: options.serialNumber ?? profile.serialNumber,
      durationSeconds: options.durationSeconds ?? profile.durationSeconds,
      masterCredentials: options.masterCredentials ?? profile.source,
      fallbackRegions: options.fallbackRegions ?? profile.fallbackRegions,
      clientConfig,
    },
    profileRegion: profile.region,
  };
};
