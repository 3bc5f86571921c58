// Fixtures shared by the middleware tests here and the integration tests in the repository's test/
// folder: fake users, an sts-local server with S3 and IAM, SDK clients and an MFA code source.
// The SDK clients are re-exported from here because this package, not test/, depends on them.
import { totpCode, startStsLocal, type StsLocal, type StsLocalRequestRecord, type StsLocalUser } from "@mfa-session/sts-local";
import { clearSessionCache, type MfaCodeProvider } from "@mfa-session/credential-provider";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import sinon from "sinon";

import type { MfaSessionPluginOptions } from "../../src/index.js";

export { GetUserCommand, IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
export { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
export { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";

export const REGION = "eu-west-1";
export const BUCKET = "mfa-session-tests";
export const ACCOUNT = "123456789012";

/** Long-term keys of the test user. Fake: only sts-local accepts them. */
export const ALICE_KEYS = {
  accessKeyId: "AKIAMIDDLEWARE000001",
  secretAccessKey: "middleware/test/secret/key/for/sts-local",
} as const;

/** TOTP secret of the test user's MFA device. */
export const ALICE_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

let serialCounter = 0;

/** A running sts-local and the user it accepts. Each has its own MFA serial, so no test reuses another's codes. */
export interface World {
  sts: StsLocal;
  user: StsLocalUser & { mfaSerial: string; totpSecret: string };
  /** Returns a current code, a different one on each call, as a person reading the device would. */
  mfaCodeProvider: sinon.SinonSpy<Parameters<MfaCodeProvider>, ReturnType<MfaCodeProvider>>;
  /** Plugin options for this world: the user's device, and sts-local as the STS endpoint. */
  options(extra?: Partial<MfaSessionPluginOptions>): MfaSessionPluginOptions;
}

/** Starts sts-local with one user whose MFA serial is new in this process, and a bucket. */
export const startWorld = async (): Promise<World> => {
  serialCounter += 1;
  const user = {
    ...ALICE_KEYS,
    userName: "alice",
    account: ACCOUNT,
    mfaSerial: `arn:aws:iam::${ACCOUNT}:mfa/alice-${process.pid}-${serialCounter}`,
    totpSecret: ALICE_TOTP_SECRET,
  };
  const sts = await startStsLocal({ users: [user], buckets: [BUCKET] });

  // sts-local accepts the codes of one step either side, so cycling through them gives three
  // unused codes in any 30-second window.
  const offsets = [0, 1, -1];
  let calls = 0;
  const mfaCodeProvider = sinon.spy<MfaCodeProvider>(async () => {
    const offset = offsets[calls % offsets.length];
    calls += 1;
    return totpCode(user.totpSecret, Date.now() + offset * 30_000);
  });

  return {
    sts,
    user,
    mfaCodeProvider,
    options: (extra = {}) => ({
      serialNumber: user.mfaSerial,
      mfaCodeProvider,
      clientConfig: { region: REGION, endpoint: sts.endpoint },
      durationSeconds: 900,
      ...extra,
    }),
  };
};

/**
 * Starts a new world before each test of the calling suite and stops it after, with the process's
 * session cache cleared. The returned object reads through to the current test's world.
 */
export const useWorld = (): World => {
  let current: World | undefined;

  beforeEach(async () => {
    clearSessionCache();
    current = await startWorld();
  });

  afterEach(async () => {
    await current?.sts.stop();
    current = undefined;
  });

  return new Proxy({} as World, {
    get: (_target, property) => {
      if (!current) {
        throw new Error("useWorld(): the world exists only while a test runs.");
      }
      return Reflect.get(current, property);
    },
  });
};

/** Credentials a test client signs with: long-term keys, or a session with its token. */
export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An S3 client for sts-local with path-style addressing. */
export const s3Client = (sts: StsLocal, credentials: TestCredentials = ALICE_KEYS): S3Client =>
  new S3Client({ region: REGION, endpoint: sts.endpoint, forcePathStyle: true, credentials });

export const iamClient = (sts: StsLocal, credentials: TestCredentials = ALICE_KEYS): IAMClient =>
  new IAMClient({ region: REGION, endpoint: sts.endpoint, credentials });

export const stsClient = (sts: StsLocal, credentials: TestCredentials = ALICE_KEYS): STSClient =>
  new STSClient({ region: REGION, endpoint: sts.endpoint, credentials });

/** Records of the requests sts-local handled for one action. */
export const recordsOf = (sts: StsLocal, action: string): StsLocalRequestRecord[] => sts.requests.filter((record) => record.action === action);

/** Tells whether a record was signed by a session key with its token. */
export const signedBySession = (record: StsLocalRequestRecord | undefined): boolean =>
  record !== undefined && (record.accessKeyId ?? "").startsWith("ASIA") && record.sessionToken;

/** Tells whether a record was signed by the long-term key without a token. */
export const signedBySource = (record: StsLocalRequestRecord | undefined): boolean =>
  record !== undefined && record.accessKeyId === ALICE_KEYS.accessKeyId && !record.sessionToken;

/** Creates a logger that keeps every line, for the checks that no secret is logged. */
export const captureLogger = () => {
  const lines: string[] = [];
  const keep = (level: string) => (...parts: unknown[]) => {
    lines.push(`${level} ${parts.map(String).join(" ")}`);
  };
  return { lines, logger: { debug: keep("debug"), info: keep("info"), warn: keep("warn"), error: keep("error") } };
};
