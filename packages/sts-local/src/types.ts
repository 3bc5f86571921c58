// Public types of the sts-local server.

/** An IAM user (or the account root user) whose long-term access key the server accepts. */
export interface StsLocalUser {
  /** Long-term access key id, for example "AKIAIOSFODNN7EXAMPLE". */
  accessKeyId: string;
  secretAccessKey: string;
  /** IAM user name, used in the ARN `arn:aws:iam::<account>:user/<userName>`. Default "user-<index>", 0-based. */
  userName?: string;
  /** 12-digit AWS account id. Default "123456789012". */
  account?: string;
  /** MFA device serial number or ARN, for example "arn:aws:iam::123456789012:mfa/alice". */
  mfaSerial?: string;
  /** Base32 TOTP secret of the MFA device. Codes sent with `mfaSerial` are checked against it. */
  totpSecret?: string;
  /**
   * Whether this is the account root user: ARN `arn:aws:iam::<account>:root`, UserId = account id,
   * GetSessionToken default duration 3600 s and sessions capped at 3600 s.
   */
  root?: boolean;
}

/** Minimal logger: the server reports each request and internal failures through it. */
export interface StsLocalLogger {
  info(message: string): void;
  error(message: string): void;
}

/** Options of {@link startStsLocal}. */
export interface StsLocalOptions {
  /** TCP port on 127.0.0.1. Default 0, which picks a free port. The server never binds another address. */
  port?: number;
  users: StsLocalUser[];
  /** Upper bound in seconds for issued sessions: a session lasts min(requested duration, this). */
  sessionLifetimeSeconds?: number;
  /** Regions (from the SigV4 credential scope) in which every authenticated request fails with RegionDisabledException. */
  disabledRegions?: string[];
  /** Server clock in milliseconds since the Unix epoch. Default Date.now, which sinon fake timers also replace. */
  now?: () => number;
  /** Receives one line per request and internal failures. Default: nothing is logged. */
  logger?: StsLocalLogger;
  /** Names of S3 buckets that exist from the start. More can be made with CreateBucket. */
  buckets?: string[];
}

/** Signing name of a service that sts-local implements, as in the SigV4 credential scope. */
export type StsLocalService = "sts" | "iam" | "s3";

/** An error that {@link StsLocal.failNext} injects, sent as an STS `<ErrorResponse>`. */
export interface StsLocalInjectedError {
  /** HTTP status, 400 to 599. A 5xx status gets the error Type "Receiver", others "Sender". */
  status: number;
  code: string;
  message: string;
  /** Only requests of this action fail, such as "GetCallerIdentity"; others pass and leave the count. */
  action?: string;
}

/** Counters that the server updates while it runs. */
export interface StsLocalStats {
  /**
   * Requests per Action parameter or S3 operation, counted for every request that named or mapped
   * to one, failed or not.
   */
  calls: Record<string, number>;
  /** MFA codes that GetSessionToken accepted. */
  codesAccepted: number;
  /** MFA codes rejected because the code was wrong or the serial number was unknown. Reused codes are not included. */
  codesRejected: number;
  /** MFA codes rejected because the same code was accepted before for that serial number. */
  codesReused: number;
  /** Requests rejected with SignatureDoesNotMatch, including expired request times. */
  signatureFailures: number;
}

/** One handled request. No secret, session token or MFA code is recorded. */
export interface StsLocalRequestRecord {
  /**
   * Service the request was handled as: "s3" when the credential scope names s3, "iam" for a Query
   * request with IAM's API version, and "sts" for everything else.
   */
  service: StsLocalService;
  /**
   * Value of the Action parameter, or the S3 operation (such as "PutObject"); undefined when the
   * request had none or could not be parsed.
   */
  action: string | undefined;
  /** Region from the SigV4 credential scope, or undefined without a parsable Authorization header. */
  region: string | undefined;
  /** Access key id from the SigV4 credential scope, or undefined without a parsable Authorization header. */
  accessKeyId: string | undefined;
  /** Whether the request carried an x-amz-security-token header. */
  sessionToken: boolean;
  /**
   * For a request authenticated with session credentials: whether GetSessionToken checked an MFA code
   * before it issued that session. Undefined for long-term keys and for requests that failed authentication.
   */
  mfaAuthenticated: boolean | undefined;
  /** HTTP status of the response. */
  status: number;
  /** Error code of the response, undefined on success. */
  errorCode: string | undefined;
  /** Value of the x-amzn-RequestId response header. */
  requestId: string;
}

/** A running sts-local server. */
export interface StsLocal {
  /** Base URL, "http://127.0.0.1:PORT". Pass it as `endpoint` to an STSClient. */
  endpoint: string;
  /** Live counters. {@link StsLocal.resetStats} zeroes this same object, so a kept reference stays current. */
  stats: StsLocalStats;
  /** One record per request, in arrival order. {@link StsLocal.resetStats} empties this same array. */
  requests: StsLocalRequestRecord[];
  /** Makes every request signed for `region` fail with RegionDisabledException. */
  disableRegion(region: string): void;
  enableRegion(region: string): void;
  /**
   * Makes the next `count` requests that parse fail with `error`, before authentication and before
   * any MFA code is checked. Calls add up: the injected errors are used in the order they were added.
   */
  failNext(count: number, error: StsLocalInjectedError): void;
  /** Sets the upper bound in seconds for sessions issued from now on, or removes it with undefined. */
  setSessionLifetime(seconds: number | undefined): void;
  /** Expires the issued session with this ASIA access key id now, so its next use gets ExpiredToken. */
  expireSession(accessKeyId: string): void;
  /**
   * Denies the listed actions with AccessDenied (an explicit deny) unless the request is signed by
   * a session that GetSessionToken issued with an MFA code. Each entry is "service:Action", such as
   * "s3:PutObject" or "iam:ListUsers", or "service:*" for every action of a service. S3 actions are
   * the operation names that the request records show. Each call replaces the previous list, so an
   * empty list lifts every requirement.
   */
  requireMfa(actions: readonly string[]): void;
  /** Zeroes the counters in `stats` and empties `requests`. Users, sessions and used MFA codes stay. */
  resetStats(): void;
  /** Stops listening and closes open connections. Calling it again does nothing. */
  stop(): Promise<void>;
}
