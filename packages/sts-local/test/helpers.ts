// Shared fixtures for the sts-local tests: fake users, SDK clients, and raw HTTP replay of signed requests.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";

import { GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, type Credentials } from "@aws-sdk/client-sts";

import { totpCode, type StsLocal, type StsLocalUser } from "../src/index.js";

export const REGION = "eu-west-1";

/** IAM user with a virtual MFA device. All keys here are fake and only sts-local accepts them. */
export const ALICE = {
  accessKeyId: "AKIAALICEEXAMPLE0001",
  secretAccessKey: "alice/secret/key/for/sts-local/tests+001",
  userName: "alice",
  mfaSerial: "arn:aws:iam::123456789012:mfa/alice",
  totpSecret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
} as const satisfies StsLocalUser;

/** IAM user without an MFA device. */
export const BOB = {
  accessKeyId: "AKIABOBEXAMPLE000002",
  secretAccessKey: "bob/secret/key/for/sts-local/tests+0002",
  userName: "bob",
} as const satisfies StsLocalUser;

/** Root user of another account, with an MFA device. */
export const ROOT = {
  accessKeyId: "AKIAROOTEXAMPLE00003",
  secretAccessKey: "root/secret/key/for/sts-local/tests+003",
  account: "111122223333",
  root: true,
  mfaSerial: "arn:aws:iam::111122223333:mfa/root-account-mfa-device",
  totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
} as const satisfies StsLocalUser;

export const ALL_USERS: StsLocalUser[] = [ALICE, BOB, ROOT];

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Creates an STSClient for `sts`. One attempt by default, so that a test gets the first error without retries. */
export function stsClient(sts: StsLocal, credentials: KeyPair, maxAttempts = 1): STSClient {
  return new STSClient({ region: REGION, endpoint: sts.endpoint, credentials, maxAttempts });
}

/** Converts the Credentials of a GetSessionToken response into SDK credentials. */
export function sessionKeys(credentials: Credentials | undefined): KeyPair {
  assert.ok(credentials?.AccessKeyId, "response has no AccessKeyId");
  assert.ok(credentials.SecretAccessKey, "response has no SecretAccessKey");
  assert.ok(credentials.SessionToken, "response has no SessionToken");
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}

/** Calls GetSessionToken for ALICE with a current MFA code and returns the session keys. */
export async function aliceSession(sts: StsLocal, durationSeconds = 900): Promise<KeyPair> {
  const response = await stsClient(sts, ALICE).send(
    new GetSessionTokenCommand({
      DurationSeconds: durationSeconds,
      SerialNumber: ALICE.mfaSerial,
      TokenCode: totpCode(ALICE.totpSecret, Date.now()),
    }),
  );
  return sessionKeys(response.Credentials);
}

/** The fields of an SDK service exception that the tests check. */
export interface ServiceError {
  name: string;
  message: string;
  $fault?: string;
  $metadata: { httpStatusCode?: number; requestId?: string };
}

/** Awaits `promise`, fails the test when it resolves, and returns the rejection. */
export async function rejectionOf(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    return error as ServiceError;
  }
  assert.fail("expected the call to fail, but it succeeded");
}

/** Asserts the error name, HTTP status and request id, which must be that of the last recorded request. */
export function assertServiceError(error: ServiceError, sts: StsLocal, name: string, status: number): void {
  assert.equal(error.name, name);
  assert.equal(error.$metadata.httpStatusCode, status);
  assert.equal(error.$metadata.requestId, sts.requests.at(-1)?.requestId);
}

/** Returns a code for ALICE that matches none of the steps the server accepts around `timeMs`. */
export function wrongCode(secret: string, timeMs: number): string {
  const valid = new Set([-1, 0, 1].map((offset) => totpCode(secret, timeMs + offset * 30_000)));
  let candidate = 0;
  while (valid.has(String(candidate).padStart(6, "0"))) {
    candidate += 1;
  }
  return String(candidate).padStart(6, "0");
}

/** A request as an SDK client signed it, for replay with changes. */
export interface CapturedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface MiddlewareArgs {
  request: { method: string; path: string; headers: Record<string, string>; body?: unknown };
}

/** Middleware type that addRelativeTo accepts, taken from the client so that @smithy/types is not needed. */
type RelativeMiddleware = Parameters<STSClient["middlewareStack"]["addRelativeTo"]>[0];
type Handler = (args: MiddlewareArgs) => Promise<unknown>;

/** Adds a middleware that runs on the signed request, just before it is sent. */
export function afterSigning(client: STSClient, name: string, inspect: (request: MiddlewareArgs["request"]) => void): void {
  const middleware = (next: Handler): Handler => async (args) => {
    inspect(args.request);
    return next(args);
  };
  client.middlewareStack.addRelativeTo(middleware as unknown as RelativeMiddleware, {
    relation: "after",
    toMiddleware: "httpSigningMiddleware",
    name,
  });
}

/** Adds a middleware that rewrites the form body before the request is signed. */
export function beforeSigning(client: STSClient, rewrite: (body: string) => string): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = (args as MiddlewareArgs).request;
      request.body = rewrite(String(request.body));
      request.headers["content-length"] = String(Buffer.byteLength(request.body as string));
      return next(args);
    },
    { step: "build", name: "rewriteBody", priority: "low" },
  );
}

/** Sends GetCallerIdentity through a real SDK client and returns the request as it was signed. */
export async function captureSignedRequest(sts: StsLocal, credentials: KeyPair): Promise<CapturedRequest> {
  const client = stsClient(sts, credentials);
  let captured: CapturedRequest | undefined;
  afterSigning(client, "captureSignedRequest", (request) => {
    captured = { method: request.method, path: request.path, headers: { ...request.headers }, body: String(request.body) };
  });
  await client.send(new GetCallerIdentityCommand({}));
  assert.ok(captured, "the capture middleware did not run");
  return captured;
}

/** Response of a raw HTTP request. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Text of the <Code> element, or undefined on success. */
  code: string | undefined;
  /** Text of the <Message> element, or undefined on success. */
  message: string | undefined;
}

/** Returns the unescaped text of the first `<name>` element in `xml`, or undefined when there is none. */
export function elementText(xml: string, name: string): string | undefined {
  const text = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'", "&amp;": "&" };
  return text?.replace(/&(lt|gt|quot|apos|amp);/g, (entity) => entities[entity]);
}

/** Sends `request` to the server with node:http, with Content-Length recomputed from the body. */
export function sendRaw(sts: StsLocal, request: CapturedRequest): Promise<RawResponse> {
  const url = new URL(sts.endpoint);
  const headers: Record<string, string> = { ...request.headers };
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() === "content-length") {
      delete headers[name];
    }
  }
  headers["content-length"] = String(Buffer.byteLength(request.body));

  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            code: elementText(body, "Code"),
            message: elementText(body, "Message"),
          });
        });
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(request.body);
  });
}

/** Returns a copy of `request` with the Authorization header changed by `change`. */
export function withAuthorization(request: CapturedRequest, change: (value: string) => string | undefined): CapturedRequest {
  const headers = { ...request.headers };
  const value = change(headers.authorization);
  if (value === undefined) {
    delete headers.authorization;
  } else {
    headers.authorization = value;
  }
  return { ...request, headers };
}
