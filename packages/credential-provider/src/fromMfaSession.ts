import type { AwsIdentityProperties } from "@aws-sdk/types";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

import { ADVISORY_REFRESH_RETRY_MS, DEFAULT_FALLBACK_REGIONS } from "./constants.js";
import { createProfileResolver } from "./applyProfile.js";
import { isRegionDisabled } from "./disabledRegions.js";
import type { MfaSessionCache } from "./cacheTypes.js";
import { MfaSessionError } from "./errors.js";
import { prefixLogger, type PrefixedLogger } from "./logger.js";
import { obtainSession } from "./obtainSession.js";
import { rejectLongRootSession, resolveSource } from "./resolveSource.js";
import { readPersistedSession, withPersistedSessionLock, writePersistedSession } from "./persistentSessions.js";
import { resolveRegion } from "./resolveRegion.js";
import { fetchOnce, getCachedSession, isFetchRunning, sessionCacheKey, storeSession } from "./sessionCache.js";
import type { FromMfaSessionOptions, MfaSessionCredentials, MfaSessionProvider } from "./types.js";
import { validateRegion } from "./validate.js";
import { validateOptions } from "./validateOptions.js";

let warnedDefaultRegion = false;

/**
 * Creates a credential provider that returns an STS session from GetSessionToken, obtained with an
 * MFA code when `serialNumber` is set. Sessions are cached per process and shared by every provider
 * with the same settings; concurrent callers share one STS call and one code request.
 *
 * @example
 * ```ts
 * const client = new STSClient({
 *   region: "eu-west-1",
 *   credentials: fromMfaSession({ serialNumber, mfaCodeProvider: async () => readCode() }),
 * });
 * ```
 * @public
 */
export const fromMfaSession = (userOptions: FromMfaSessionOptions = {}): MfaSessionProvider => {
  let defaultSource: AwsCredentialIdentityProvider | undefined;
  const resolveProfile = createProfileResolver(userOptions);
  let warnedNoSerial = false;

  const loadDefaultSource = async (): Promise<AwsCredentialIdentityProvider> => {
    if (!defaultSource) {
      const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
      defaultSource = defaultProvider({ profile: userOptions.profile });
    }
    return defaultSource;
  };

  return async (props?: AwsIdentityProperties): Promise<MfaSessionCredentials> => {
    const callerClientConfig = props?.callerClientConfig;
    const log = prefixLogger(
      userOptions.logger ?? userOptions.clientConfig?.logger ?? callerClientConfig?.logger,
      "fromMfaSession",
    );
    const now = Date.now;

    // Explicit options win; the profile fills in only what they leave unset.
    const { options, profileRegion } = await resolveProfile(log);
    if (options.mfaCodeProvider && options.serialNumber === undefined && !warnedNoSerial) {
      warnedNoSerial = true;
      log.warn(
        `mfaCodeProvider is set, but no serialNumber was given or found in profile ${options.profile ?? "default"}; ` +
          `requesting a session without MFA. Set serialNumber, or mfa_serial in the profile.`,
      );
    }
    const settings = validateOptions(options);
    const source = await resolveSource(options, loadDefaultSource, props, log);

    const { region, source: regionSource } = await resolveRegion(
      options.clientConfig?.region,
      callerClientConfig,
      profileRegion,
    );
    validateRegion(region, regionSource);
    log.debug(
      options.clientConfig?.useGlobalEndpoint
        ? `resolved region ${region} from ${regionSource}, but calling the global STS endpoint, signed for us-east-1.`
        : `using STS region ${region} from ${regionSource}.`,
    );
    if (regionSource === "default" && !warnedDefaultRegion) {
      warnedDefaultRegion = true;
      log.warn(`no region set in clientConfig.region, the profile, AWS_REGION or the calling client; using ${region}.`);
    }

    const key = sessionCacheKey({
      sourceAccessKeyId: source.accessKeyId,
      serialNumber: options.serialNumber,
      durationSeconds: settings.durationSeconds,
      region,
      endpoint: describeEndpoint(options.clientConfig?.endpoint, options.clientConfig?.useGlobalEndpoint),
      profile: options.profile,
    });

    const obtainAndStore = async (reason: "initial" | "refresh", expiration: Date | undefined) => {
      await rejectLongRootSession(options, source, region, log);
      const credentials = await obtainSession({
        source,
        serialNumber: options.serialNumber,
        mfaCodeProvider: options.mfaCodeProvider,
        profile: options.profile,
        durationSeconds: settings.durationSeconds,
        regions: orderRegions(region, options.fallbackRegions ?? DEFAULT_FALLBACK_REGIONS, source.accessKeyId, now()),
        clientConfig: options.clientConfig,
        reason,
        expiration,
        maxCodeAttempts: settings.maxCodeAttempts,
        mfaCodeTimeoutMs: settings.mfaCodeTimeoutMs,
        log,
        now,
      });
      checkExpiration(credentials, now(), settings.durationSeconds, log);
      storeSession(key, credentials);
      log.info(`obtained a session valid until ${credentials.expiration.toISOString()}.`);
      return credentials;
    };

    // With a persistent cache, one process at a time obtains the session of a key. The others wait
    // for the lock, then find the session it stored, so processes started together ask for one code.
    const obtainThroughCache = (cache: MfaSessionCache, reason: "initial" | "refresh", expiration: Date | undefined) =>
      withPersistedSessionLock(cache, key, async () => {
        const stored = await readPersistedSession(
          cache,
          key,
          { minRemainingMs: settings.mandatoryRefreshMs, replacing: expiration, nowMs: now() },
          log,
        );
        if (stored) {
          storeSession(key, stored);
          return stored;
        }

        const credentials = await obtainAndStore(reason, expiration);
        const entry = { credentials, profile: options.profile, serialNumber: options.serialNumber, region };
        await writePersistedSession(cache, key, entry, log);
        return credentials;
      });

    const fetchSession = (reason: "initial" | "refresh", expiration: Date | undefined) =>
      fetchOnce(key, () => {
        const { cache } = options;
        return cache ? obtainThroughCache(cache, reason, expiration) : obtainAndStore(reason, expiration);
      });

    let cached = getCachedSession(key);
    if (!cached && options.cache) {
      const stored = await readPersistedSession(
        options.cache,
        key,
        { minRemainingMs: settings.mandatoryRefreshMs, nowMs: now() },
        log,
      );
      if (stored) {
        storeSession(key, stored);
        cached = getCachedSession(key);
      }
    }
    if (!cached) {
      return fetchSession("initial", undefined);
    }

    const { expiration } = cached.credentials;
    const remainingMs = expiration.getTime() - now();
    if (remainingMs > settings.advisoryRefreshMs) {
      log.debug(`using the cached session valid until ${expiration.toISOString()}.`);
      return cached.credentials;
    }

    if (remainingMs > settings.mandatoryRefreshMs) {
      // Only the caller that starts an advisory refresh waits for it. The others keep the valid
      // session, so an unanswered prompt stalls one request rather than all of them.
      if (now() < cached.nextRefreshAttempt || isFetchRunning(key)) {
        return cached.credentials;
      }
      try {
        return await fetchSession("refresh", expiration);
      } catch (error) {
        cached.nextRefreshAttempt = now() + ADVISORY_REFRESH_RETRY_MS;
        log.warn(
          `could not refresh the session ending ${expiration.toISOString()} (${describeError(error)}); ` +
            `using it until the next try in ${ADVISORY_REFRESH_RETRY_MS / 1000} s.`,
        );
        return cached.credentials;
      }
    }

    if (remainingMs <= 0) {
      return fetchSession("refresh", expiration);
    }
    try {
      return await fetchSession("refresh", expiration);
    } catch (error) {
      throw new MfaSessionError(
        `The MFA session expires at ${expiration.toISOString()} and could not be replaced: ${describeError(error)}`,
        { code: "SESSION_REFRESH_FAILED", cause: error },
      );
    }
  };
};

// Regions remembered as disabled go last, so a later session goes straight to one that works.
const orderRegions = (region: string, fallbacks: readonly string[], accessKeyId: string, nowMs: number): string[] => {
  const unique = [...new Set([region, ...fallbacks])];
  const active = unique.filter((name) => !isRegionDisabled(accessKeyId, name, nowMs));
  const disabled = unique.filter((name) => isRegionDisabled(accessKeyId, name, nowMs));
  return [...active, ...disabled];
};

const checkExpiration = (credentials: MfaSessionCredentials, nowMs: number, durationSeconds: number, log: PrefixedLogger) => {
  const lifetimeMs = credentials.expiration.getTime() - nowMs;
  if (lifetimeMs <= 0) {
    throw new MfaSessionError(
      `STS returned a session that expires at ${credentials.expiration.toISOString()}, which is already past ` +
        `by the local clock (${new Date(nowMs).toISOString()}). The local clock is probably wrong: synchronize it (NTP).`,
      { code: "CLOCK_SKEW" },
    );
  }
  if (lifetimeMs < durationSeconds * 1000 - 60_000) {
    log.info(
      `STS issued a session of about ${Math.round(lifetimeMs / 1000)} s, shorter than the ${durationSeconds} s requested.`,
    );
  }
};

// Global-endpoint sessions carry other tokens than regional ones, so the flag is part of the key.
const describeEndpoint = (endpoint: unknown, useGlobalEndpoint: boolean | undefined): string | undefined => {
  const suffix = useGlobalEndpoint ? " (global endpoint)" : "";
  if (endpoint === undefined) {
    return useGlobalEndpoint ? "global endpoint" : undefined;
  }
  if (typeof endpoint === "string") {
    return endpoint + suffix;
  }
  if (endpoint instanceof URL) {
    return endpoint.href + suffix;
  }
  return JSON.stringify(endpoint) + suffix;
};

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
