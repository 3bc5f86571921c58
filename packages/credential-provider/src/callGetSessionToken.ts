import type { AwsCredentialIdentity } from "@smithy/types";

import { MfaSessionError } from "./errors.js";
import type { MfaSessionClientConfig, MfaSessionCredentials } from "./types.js";

type StsModule = typeof import("@aws-sdk/client-sts");

// The STS client is loaded on first use, so importing this package stays cheap.
let stsModule: Promise<StsModule> | undefined;
const loadSts = (): Promise<StsModule> => (stsModule ??= import("@aws-sdk/client-sts"));

/** @internal */
export interface GetSessionTokenCall {
  source: AwsCredentialIdentity;
  region: string;
  clientConfig: MfaSessionClientConfig | undefined;
  durationSeconds: number;
  serialNumber: string | undefined;
  code: string | undefined;
}

/**
 * Sends one GetSessionToken request and maps the response. STS errors are thrown unchanged, for
 * the caller to classify.
 * @internal
 */
export const callGetSessionToken = async (call: GetSessionTokenCall): Promise<MfaSessionCredentials> => {
  const { STSClient, GetSessionTokenCommand } = await loadSts();

  // The caller's logger is left out on purpose: the SDK would log the request, TokenCode included.
  const { logger: _ownLogger, ...stsSettings } = call.clientConfig ?? {};
  const client = new STSClient({ ...stsSettings, region: call.region, credentials: call.source });

  try {
    const response = await client.send(
      new GetSessionTokenCommand({
        DurationSeconds: call.durationSeconds,
        SerialNumber: call.code === undefined ? undefined : call.serialNumber,
        TokenCode: call.code,
      }),
    );
    return mapCredentials(response.Credentials, response.$metadata.requestId);
  } finally {
    client.destroy();
  }
};

const mapCredentials = (
  credentials: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined,
  requestId: string | undefined,
): MfaSessionCredentials => {
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {};
  const expirationValid = Expiration instanceof Date && !Number.isNaN(Expiration.getTime());
  if (!AccessKeyId || !SecretAccessKey || !SessionToken || !expirationValid) {
    throw new MfaSessionError(
      `GetSessionToken returned a response without complete credentials` +
        `${requestId === undefined ? "" : ` (request id ${requestId})`}: AccessKeyId, SecretAccessKey, ` +
        `SessionToken and Expiration are all required. Check clientConfig.endpoint points at STS.`,
      { code: "STS_RESPONSE_INVALID" },
    );
  }
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Expiration };
};
