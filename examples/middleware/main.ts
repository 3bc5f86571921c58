// MFA sessions for SDK clients that were built without them, through the middleware stack.
//
// It starts sts-local, a loopback server for STS, a minimal S3 and a minimal IAM, with a demo IAM
// user whose virtual MFA device uses a demo TOTP secret, so it runs without an AWS account. The
// clients are constructed with the user's long-term keys, as if they came from the default chain,
// and get MFA sessions afterwards. sts-local's request records show which key signed each request.
import { IAMClient, ListUsersCommand } from "@aws-sdk/client-iam";
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { getMfaSessionPlugin, mfaSessionMiddleware, mfaSessionMiddlewareOptions, type MfaSessionPluginOptions } from "@mfa-session/middleware";
import { startStsLocal, totpCode, TOTP_STEP_SECONDS, type StsLocal } from "@mfa-session/sts-local";

// Demo values known only to the local server. They are not AWS credentials.
const DEMO_ACCOUNT = "123456789012";
const DEMO_SERIAL = `arn:aws:iam::${DEMO_ACCOUNT}:mfa/demo`;
const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const DEMO_KEYS = { accessKeyId: "AKIADEMO000000000001", secretAccessKey: "demo-secret-key-for-sts-local-only-00000" };
const REGION = "eu-west-1";
const BUCKET = "demo-bucket";

const logger = {
  debug: () => undefined,
  info: (message: string) => console.log(`  [log] ${message}`),
  warn: (message: string) => console.warn(`  [warn] ${message}`),
  error: (message: string) => console.error(`  [error] ${message}`),
};

// Your authenticator app would show these codes. A device shows a new code every 30 seconds, and
// STS never accepts one twice. For a second session the demo takes the next step's code at once
// instead of waiting, which sts-local accepts as one step of clock drift.
let lastStep = 0;
const demoAuthenticator: MfaSessionPluginOptions["mfaCodeProvider"] = async (serialNumber, context) => {
  console.log(`MFA code requested for ${serialNumber} (reason: ${context.reason}).`);
  lastStep = Math.max(Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS), lastStep + 1);
  return totpCode(DEMO_TOTP_SECRET, lastStep * TOTP_STEP_SECONDS * 1000);
};

const describeRecords = (sts: StsLocal, from: number): string[] =>
  sts.requests.slice(from).map((record) => {
    const key = record.accessKeyId ?? "-";
    const kind = key.startsWith("ASIA") ? "session" : "long-term key";
    return `  ${record.service} ${record.action ?? "-"}: signed by ${key} (${kind}), status ${record.status}${record.errorCode ? ` ${record.errorCode}` : ""}`;
  });

const main = async (): Promise<void> => {
  const sts = await startStsLocal({
    users: [{ ...DEMO_KEYS, userName: "demo", account: DEMO_ACCOUNT, mfaSerial: DEMO_SERIAL, totpSecret: DEMO_TOTP_SECRET }],
    buckets: [BUCKET],
  });
  console.log(`Started sts-local at ${sts.endpoint} with demo user "demo", MFA device ${DEMO_SERIAL} and bucket ${BUCKET}.`);

  try {
    // Clients built elsewhere, with long-term keys and no idea of MFA.
    const s3 = new S3Client({ region: REGION, endpoint: sts.endpoint, forcePathStyle: true, credentials: DEMO_KEYS });
    const iam = new IAMClient({ region: REGION, endpoint: sts.endpoint, credentials: DEMO_KEYS });
    const stsClient = new STSClient({ region: REGION, endpoint: sts.endpoint, credentials: DEMO_KEYS });

    const options: MfaSessionPluginOptions = {
      serialNumber: DEMO_SERIAL,
      mfaCodeProvider: demoAuthenticator,
      clientConfig: { region: REGION, endpoint: sts.endpoint },
      durationSeconds: 3_600,
      logger,
    };
    // The plugin path, and the middleware path: both do the same.
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, options));
    stsClient.middlewareStack.use(getMfaSessionPlugin(stsClient.config, options));
    iam.middlewareStack.add(mfaSessionMiddleware(iam.config, options), mfaSessionMiddlewareOptions);

    console.log("\nOrdinary requests of three clients:");
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "hello.txt", Body: "hello from an MFA session" }));
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "hello.txt" }));
    console.log(`  S3 object: ${await object.Body?.transformToString()}`);
    const { Users } = await iam.send(new ListUsersCommand({}));
    console.log(`  IAM users: ${Users?.map((user) => user.UserName).join(", ")}`);
    const identity = await stsClient.send(new GetCallerIdentityCommand({}));
    console.log(`  Caller: ${identity.Arn}`);
    await stsClient.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    console.log(describeRecords(sts, 0).join("\n"));

    const sessionKey = sts.requests.find((record) => record.accessKeyId?.startsWith("ASIA"))?.accessKeyId;
    console.log(`\nThe server expires session ${sessionKey}; the next S3 request recovers:`);
    const before = sts.requests.length;
    sts.expireSession(sessionKey!);
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    console.log(`  Buckets: ${Buckets?.map((bucket) => bucket.Name).join(", ")}`);
    console.log(describeRecords(sts, before).join("\n"));

    const sessions = sts.stats.calls.GetSessionToken ?? 0;
    console.log(`\nGetSessionToken calls: ${sessions} (one per session, plus one sent by the STS client itself).`);
    if (sessions !== 3) {
      process.exitCode = 1;
    }
  } finally {
    await sts.stop();
  }
};

await main();
