// The main example: a real STSClient whose credentials come from fromMfaSession.
//
// By default it starts sts-local, a loopback STS-compatible server, with a demo IAM user whose
// virtual MFA device uses a demo TOTP secret, so it runs anywhere without an AWS account.
// To run it against a real account instead, set MFA_SERIAL_NUMBER to your device's ARN and
// AWS_PROFILE (or the usual environment variables) to long-term keys. It then prompts for the code.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromMfaSession, type FromMfaSessionOptions, type MfaCodeProvider } from "@mfa-session/credential-provider";
import { promptMfaCode, totpMfaCode } from "@mfa-session/mfa-code";
import { startStsLocal, type StsLocal } from "@mfa-session/sts-local";

// Demo values known only to the local server. They are not AWS credentials.
const DEMO_ACCOUNT = "123456789012";
const DEMO_SERIAL = `arn:aws:iam::${DEMO_ACCOUNT}:mfa/demo`;
const DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const DEMO_KEYS = { accessKeyId: "AKIADEMO000000000001", secretAccessKey: "demo-secret-key-for-sts-local-only-00000" };

const logger = {
  debug: () => undefined,
  info: (message: string) => console.log(`  [log] ${message}`),
  warn: (message: string) => console.warn(`  [warn] ${message}`),
  error: (message: string) => console.error(`  [error] ${message}`),
};

// Your authenticator app would show this code: totpMfaCode computes it from the device's TOTP secret.
const demoTotp = totpMfaCode({ secret: DEMO_TOTP_SECRET });
const demoAuthenticator: MfaCodeProvider = async (serialNumber, context) => {
  console.log(`MFA code requested for ${serialNumber} (reason: ${context.reason}); computing it from the demo TOTP secret.`);
  return demoTotp(serialNumber, context);
};

// For a real account, the code is typed on the terminal (/dev/tty), even when stdout is captured.
const askOnTerminal: MfaCodeProvider = promptMfaCode();

const localSetup = async (sts: StsLocal): Promise<{ region: string; options: FromMfaSessionOptions }> => ({
  region: "eu-west-1",
  options: {
    serialNumber: DEMO_SERIAL,
    mfaCodeProvider: demoAuthenticator,
    masterCredentials: DEMO_KEYS,
    clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
    durationSeconds: 3_600,
    logger,
  },
});

const realSetup = (serialNumber: string): { region: string; options: FromMfaSessionOptions } => ({
  region: process.env.AWS_REGION ?? "us-east-1",
  options: { serialNumber, mfaCodeProvider: askOnTerminal, profile: process.env.AWS_PROFILE, logger },
});

const main = async (): Promise<void> => {
  const realSerial = process.env.MFA_SERIAL_NUMBER;
  const sts = realSerial
    ? undefined
    : await startStsLocal({
        port: 0,
        users: [{ ...DEMO_KEYS, userName: "demo", account: DEMO_ACCOUNT, mfaSerial: DEMO_SERIAL, totpSecret: DEMO_TOTP_SECRET }],
      });

  try {
    const { region, options } = sts ? await localSetup(sts) : realSetup(realSerial!);
    if (sts) {
      console.log(`Started sts-local at ${sts.endpoint} with demo user "demo" and MFA device ${DEMO_SERIAL}.`);
    }

    const client = new STSClient({
      region,
      endpoint: options.clientConfig?.endpoint,
      credentials: fromMfaSession(options),
    });

    const first = await client.send(new GetCallerIdentityCommand({}));
    const credentials = await client.config.credentials();
    console.log(`Caller identity: ${first.Arn}`);
    console.log(`Session expires: ${credentials.expiration?.toISOString()}`);

    const second = await client.send(new GetCallerIdentityCommand({}));
    console.log(`Second call:     ${second.Arn} (same session, no new MFA code)`);

    if (sts) {
      const sessions = sts.stats.calls.GetSessionToken ?? 0;
      const identityCalls = sts.stats.calls.GetCallerIdentity ?? 0;
      console.log(`STS GetSessionToken calls: ${sessions} for ${identityCalls} GetCallerIdentity requests.`);
      const signedBySession = sts.requests.filter((request) => request.action === "GetCallerIdentity").every(
        (request) => (request.accessKeyId ?? "").startsWith("ASIA") && request.sessionToken,
      );
      console.log(`Requests signed by the session key (ASIA…) with its session token: ${signedBySession ? "yes" : "no"}.`);
      if (sessions !== 1 || !signedBySession) {
        process.exitCode = 1;
      }
    }
  } finally {
    await sts?.stop();
  }
};

await main();
