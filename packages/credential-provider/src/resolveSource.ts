import type { AwsIdentityProperties } from "@aws-sdk/types";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

import { MAX_ROOT_DURATION_SECONDS, MIN_DURATION_SECONDS } from "./constants.js";
import { isRootSource } from "./detectRootSource.js";
import { MfaSessionError } from "./errors.js";
import type { PrefixedLogger } from "./logger.js";
import { sourceIsSessionError } from "./obtainSession.js";
import type { FromMfaSessionOptions } from "./types.js";
import { isRootMfaSerial } from "./validate.js";

// The root serial is recognized locally. Another serial with a long duration costs one
// GetCallerIdentity per source key, so a root user hears why the duration is out of range.
/** @internal */
export const rejectLongRootSession = async (
  options: FromMfaSessionOptions,
  source: AwsCredentialIdentity,
  region: string,
  log: PrefixedLogger,
): Promise<void> => {
  const { durationSeconds } = options;
  if (durationSeconds === undefined || durationSeconds <= MAX_ROOT_DURATION_SECONDS || isRootMfaSerial(options.serialNumber)) {
    return;
  }
  if (await isRootSource(source, region, options.clientConfig, log)) {
    throw new MfaSessionError(
      `Invalid durationSeconds ${durationSeconds}: GetCallerIdentity shows that the source keys ` +
        `(${source.accessKeyId}) belong to the account's root user, and STS issues root sessions of ` +
        `${MIN_DURATION_SECONDS} to ${MAX_ROOT_DURATION_SECONDS} seconds. Set durationSeconds in that range, ` +
        `or use an IAM user's keys for longer sessions.`,
      { code: "DURATION_OUT_OF_RANGE" },
    );
  }
};

/**
 * Loads the long-term credentials that sign GetSessionToken and rejects session credentials.
 * @internal
 */
export const resolveSource = async (
  options: FromMfaSessionOptions,
  loadDefaultSource: () => Promise<AwsCredentialIdentityProvider>,
  props: AwsIdentityProperties | undefined,
  log: PrefixedLogger,
): Promise<AwsCredentialIdentity> => {
  const configured = options.masterCredentials;
  let source: AwsCredentialIdentity;
  try {
    if (typeof configured === "function") {
      log.debug("using source credentials from masterCredentials (provider).");
      source = await configured(props);
    } else if (configured) {
      log.debug("using static source credentials (masterCredentials, or keys from the profile).");
      source = configured;
    } else {
      log.debug("using source credentials from the SDK's default credential chain.");
      source = await (await loadDefaultSource())(props);
    }
  } catch (error) {
    throw new MfaSessionError(
      `Could not load the long-term credentials that sign GetSessionToken: ${describeError(error)}. ` +
        `Set masterCredentials, or configure access keys for the default chain (environment or shared files).`,
      { code: "SOURCE_CREDENTIALS_MISSING", cause: error },
    );
  }

  const complete = typeof source?.accessKeyId === "string" && source.accessKeyId !== "" &&
    typeof source.secretAccessKey === "string" && source.secretAccessKey !== "";
  if (!complete) {
    throw new MfaSessionError(
      "The source credentials have no access key id or secret access key as strings. Set masterCredentials to long-term access keys.",
      { code: "SOURCE_CREDENTIALS_MISSING" },
    );
  }
  // ASIA keys are temporary by definition, even when their session token was left out.
  if (source.sessionToken || source.accessKeyId.startsWith("ASIA")) {
    throw sourceIsSessionError();
  }
  return source;
};

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));
