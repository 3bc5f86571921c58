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
 * Creates the STS client that signs with the source credentials. The caller's logger is left out on
 * purpose, because the SDK would log each request, TokenCode included.
 * @internal
 */
export const createStsClient = async (
  source: AwsCredentialIdentity,
  region: string,
  clientConfig: MfaSessionClientConfig | undefined,
): Promise<InstanceType<StsModule["STSClient"]>> => {
  const { STSClient } = await loadSts();
  const { logger: _ownLogger, useGlobalEndpoint = false, ...stsSettings } = clientConfig ?? {};
  return new STSClient({
    ...stsSettings,
    ...(useGlobalEndpoint && stsSettings.endpoint === undefined ? { endpoint: GLOBAL_ENDPOINT } : {}),
    region: useGlobalEndpoint ? GLOBAL_ENDPOINT_REGION : region,
    credentials: source,
  });
};

/** A session as STS returned it, with the server's clock at that moment. @internal */
export interface GetSessionTokenResult {
  credentials: MfaSessionCredentials;
  /** The response's `Date` header, when present. */
  serverDate: Date | undefined;
}

/**
 * Sends one GetSessionToken request and maps the response. STS errors are thrown unchanged, for
 * the caller to classify.
 * @internal
 */
export const callGetSessionToken = async (call: GetSessionTokenCall): Promise<GetSessionTokenResult> => {
  const { GetSessionTokenCommand } = await loadSts();
  const client = await createStsClient(call.source, call.region, call.clientConfig);

  let serverDate: Date | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const date = (result.response as { headers?: Record<string, string> } | undefined)?.headers?.date;
      serverDate = date === undefined ? undefined : new Date(date);
      return result;
    },
    { step: "deserialize", name: "mfaSessionServerDateMiddleware" },
  );

  try {
    const response = await client.send(
      new GetSessionTokenCommand({
        DurationSeconds: call.durationSeconds,
        SerialNumber: call.code === undefined ? undefined : call.serialNumber,
        TokenCode: call.code,
      }),
    );
    return { credentials: mapCredentials(response.Credentials, response.$metadata.requestId), serverDate };
  } finally {
    client.destroy();
  }
};

/** STS's global endpoint, which signs requests for us-east-1. A custom `endpoint` takes precedence. @internal */
export const GLOBAL_ENDPOINT = "https://sts.amazonaws.com";
const GLOBAL_ENDPOINT_REGION = "us-east-1";

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
