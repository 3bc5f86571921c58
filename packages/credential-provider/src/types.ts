import type { STSClientConfig } from "@aws-sdk/client-sts";
import type { AwsIdentityProperties } from "@aws-sdk/types";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@smithy/types";

import type { MfaSessionCache } from "./cacheTypes.js";

/**
 * Reason a code is requested:
 * - `initial`: the first session;
 * - `refresh`: a cached session is about to expire;
 * - `retry`: STS rejected the previous code;
 * - `reused`: the provider returned the code that was just sent;
 * - `invalid-format`: the previous value was not six digits.
 * @public
 */
export type MfaCodeReason = "initial" | "refresh" | "retry" | "reused" | "invalid-format";

/**
 * Context `fromMfaSession` passes to `mfaCodeProvider` along with the serial number.
 * @public
 */
export interface MfaCodeContext {
  /** Reason a code is needed now. */
  reason: MfaCodeReason;
  /** 1 for the first request of a session, counting up to `maxCodeAttempts`. */
  attempt: number;
  /** The value of `maxCodeAttempts` in force. */
  maxAttempts: number;
  /** The MFA device serial number or ARN, as in the first argument. */
  serialNumber: string;
  /** The shared config profile the session is for, when one was named. */
  profile?: string;
  /** Expiry of the session being replaced, when `reason` is `refresh`. */
  expiration?: Date;
  /** Time by which the provider must return a code, after which the request fails with `MFA_CODE_TIMEOUT`. */
  deadline: Date;
  /** Aborted when the deadline passes, so a prompt or child process can stop waiting. */
  signal: AbortSignal;
  /** One plain sentence a prompt can show to a person, such as "STS rejected the previous code". */
  message?: string;
}

/**
 * Returns a one-time code for the MFA device `serialNumber`. One-argument callbacks written for the
 * SDK's `mfaCodeProvider` option work unchanged.
 * @public
 */
export type MfaCodeProvider = (serialNumber: string, context: MfaCodeContext) => Promise<string>;

/**
 * Settings of the STS client that calls GetSessionToken. The caller's `logger` is deliberately not
 * passed to that client, because the SDK's request logging would print the MFA code.
 * @public
 */
export type MfaSessionClientConfig = Pick<
  STSClientConfig,
  "region" | "endpoint" | "requestHandler" | "maxAttempts" | "retryMode" | "useFipsEndpoint" | "useDualstackEndpoint"
> & {
  /** Receives this package's own log lines, unless `logger` is set on the provider options. */
  logger?: Logger;
  /**
   * Calls the global endpoint `https://sts.amazonaws.com` (signed for us-east-1) instead of the
   * regional endpoint of the resolved region. Sessions from the global endpoint carry version 1
   * tokens, which opt-in regions such as ap-east-1 reject unless the account's IAM setting
   * "Global endpoint token version" issues version 2 tokens.
   * @default false
   */
  useGlobalEndpoint?: boolean;
};

/**
 * Options of {@link fromMfaSession}.
 * @public
 */
export interface FromMfaSessionOptions {
  /**
   * Serial number of the MFA device: an ARN such as `arn:aws:iam::123456789012:mfa/alice`, or the
   * serial of a hardware token. Without it, GetSessionToken is called without MFA.
   */
  serialNumber?: string;

  /** Returns a one-time code each time a session is needed. Required when `serialNumber` is set. */
  mfaCodeProvider?: MfaCodeProvider;

  /**
   * Lifetime requested for the session, in seconds. STS may issue a shorter one, and the expiry
   * returned is always the one STS sent.
   * @default 43200 for an IAM user, 3600 for a root user (range 900..129600, root 900..3600)
   */
  durationSeconds?: number;

  /**
   * Long-term credentials that sign GetSessionToken: an identity or a provider. Credentials with a
   * session token are rejected, because STS does not accept them for GetSessionToken.
   * @default the SDK's Node.js default credential chain (`@aws-sdk/credential-provider-node`)
   */
  masterCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;

  /** Settings of the STS client that calls GetSessionToken. */
  clientConfig?: MfaSessionClientConfig;

  /**
   * Shared config profile to read `mfa_serial`, `duration_seconds`, `region`, keys and other
   * settings from; explicit options win over it. It also separates cache entries and is passed to
   * `mfaCodeProvider`.
   * @default none: the shared files are not read
   */
  profile?: string;

  /**
   * Receives debug, info and warn lines. Falls back to `clientConfig.logger`, then to the logger
   * of the client that calls the provider.
   */
  logger?: Logger;

  /**
   * Time allowed for one call of `mfaCodeProvider`, in milliseconds.
   * @default 180000 (3 minutes)
   */
  mfaCodeTimeoutMs?: number;

  /**
   * Codes requested for one session before giving up, counting malformed, reused and rejected ones.
   * @default 3
   */
  maxCodeAttempts?: number;

  /**
   * Time before expiry, in milliseconds, from which the next call tries to replace the session.
   * If that fails, the still-valid session is returned and a warning logged.
   * @default 900000 (15 minutes)
   */
  advisoryRefreshMs?: number;

  /**
   * Time before expiry, in milliseconds, from which the session must be replaced; a failure is an
   * error. Keep it above 5 minutes, the window in which SDK clients ask their provider again.
   * @default 600000 (10 minutes)
   */
  mandatoryRefreshMs?: number;

  /**
   * Regions tried in order when STS returns RegionDisabledException in the resolved region. With a
   * custom `clientConfig.endpoint` only the signing region changes.
   * @default ["us-east-1"]
   */
  fallbackRegions?: readonly string[];

  /**
   * Persistent store consulted after the in-memory cache, such as `fileCache()`, so that a session
   * outlives the process. Without it sessions last as long as the process.
   * @default none
   */
  cache?: MfaSessionCache;
}

/**
 * Session credentials as the provider returns them: `expiration` is always set.
 * @public
 */
export interface MfaSessionCredentials extends AwsCredentialIdentity {
  sessionToken: string;
  expiration: Date;
}

/**
 * The provider `fromMfaSession` returns. It accepts the caller client's config as SDK clients pass it,
 * so it fits the `credentials` option of any client.
 * @public
 */
export type MfaSessionProvider = (props?: AwsIdentityProperties) => Promise<MfaSessionCredentials>;
