// The demo user that the sts-local CLI starts with when no configuration file is given.
import type { StsLocalUser } from "./types.js";

/**
 * A fake IAM user with a virtual MFA device, for examples and manual tests against sts-local.
 * The keys and the TOTP secret are public and are accepted only by sts-local, never by AWS.
 */
export const STS_LOCAL_DEMO_USER: Readonly<Required<Omit<StsLocalUser, "root">>> = {
  accessKeyId: "AKIASTSLOCALEXAMPLE1",
  secretAccessKey: "sts-local/demo/secret/key/NOT+FOR+AWS000",
  userName: "demo",
  account: "123456789012",
  mfaSerial: "arn:aws:iam::123456789012:mfa/demo",
  totpSecret: "STSLOCALDEMOSECRETFORTESTSONLYAA",
};
