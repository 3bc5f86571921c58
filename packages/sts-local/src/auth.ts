// Authentication of an STS request: SigV4 checks in the order and with the error codes that STS uses.
import type { IncomingHttpHeaders } from "node:http";
import { timingSafeEqual } from "node:crypto";

import { STS_MESSAGES, StsError } from "./errors.js";
import type { IssuedSession, SessionStore } from "./sessions.js";
import {
  computeSignature,
  formatAmzDate,
  parseAmzDate,
  parseAuthorizationHeader,
  sha256Hex,
  signaturesMatch,
  type SignedHttpRequest,
  type SigV4Authorization,
} from "./sigv4.js";
import type { ResolvedUser } from "./users.js";

/** Maximum difference between X-Amz-Date and the server clock, as AWS allows: 15 minutes. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** The service name that the credential scope of an STS request must contain. */
export const SIGNING_SERVICE = "sts";

/**
 * Values of `x-amz-content-sha256` with which S3 accepts a body that the signature does not cover.
 * The SDK sends the second one for streaming uploads (aws-chunked with a trailing checksum).
 */
export const S3_UNSIGNED_PAYLOADS: ReadonlySet<string> = new Set(["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]);

/** The caller of an authenticated request. */
export interface AuthenticatedCaller {
  /** The user who owns the long-term key, or who was issued the session. */
  user: ResolvedUser;
  /** The issued session when the request was signed with session credentials, otherwise undefined. */
  session: IssuedSession | undefined;
  authorization: SigV4Authorization;
}

/** An HTTP request as the server received it. */
export interface ReceivedRequest extends SignedHttpRequest {
  headers: IncomingHttpHeaders;
}

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function tokensMatch(expected: string, provided: string): boolean {
  const expectedBytes = Buffer.from(expected, "utf8");
  const providedBytes = Buffer.from(provided, "utf8");
  return expectedBytes.length === providedBytes.length && timingSafeEqual(expectedBytes, providedBytes);
}

/** Parses the Authorization header for the request record, or returns undefined when it is missing or malformed. */
export function peekAuthorization(headers: IncomingHttpHeaders): SigV4Authorization | undefined {
  const value = singleHeader(headers, "authorization");
  if (value === undefined) {
    return undefined;
  }
  try {
    return parseAuthorizationHeader(value);
  } catch {
    return undefined;
  }
}

/** Checks the request time against the server clock and the credential scope. Throws SignatureDoesNotMatch. */
function checkRequestTime(amzDate: string, requestTimeMs: number, scopeDate: string, nowMs: number): void {
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw new StsError(
      403,
      "SignatureDoesNotMatch",
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (requestTimeMs < nowMs - MAX_CLOCK_SKEW_MS) {
    const earliest = formatAmzDate(nowMs - MAX_CLOCK_SKEW_MS);
    throw new StsError(
      403,
      "SignatureDoesNotMatch",
      `Signature expired: ${amzDate} is now earlier than ${earliest} (${formatAmzDate(nowMs)} - 15 min.)`,
    );
  }
  if (requestTimeMs > nowMs + MAX_CLOCK_SKEW_MS) {
    const latest = formatAmzDate(nowMs + MAX_CLOCK_SKEW_MS);
    throw new StsError(
      403,
      "SignatureDoesNotMatch",
      `Signature not yet current: ${amzDate} is still later than ${latest} (${formatAmzDate(nowMs)} + 15 min.)`,
    );
  }
}

/** Finds the owner of the access key and checks the security token. Throws InvalidClientTokenId. */
function findCaller(
  accessKeyId: string,
  securityToken: string | undefined,
  users: ReadonlyMap<string, ResolvedUser>,
  sessions: SessionStore,
): { user: ResolvedUser; session: IssuedSession | undefined; secretAccessKey: string } {
  const user = users.get(accessKeyId);
  if (user !== undefined) {
    // STS rejects a long-term key that comes with a session token.
    if (securityToken !== undefined) {
      throw new StsError(403, "InvalidClientTokenId", STS_MESSAGES.invalidClientTokenId);
    }
    return { user, session: undefined, secretAccessKey: user.secretAccessKey };
  }

  const session = sessions.find(accessKeyId);
  if (session === undefined || securityToken === undefined || !tokensMatch(session.sessionToken, securityToken)) {
    throw new StsError(403, "InvalidClientTokenId", STS_MESSAGES.invalidClientTokenId);
  }
  return { user: session.user, session, secretAccessKey: session.secretAccessKey };
}

/**
 * Returns the payload hash that the canonical request ends with. The signature covers
 * x-amz-content-sha256 when it is sent, so the body must match that header, unless an S3 request
 * declares its payload unsigned.
 */
function checkPayloadHash(request: ReceivedRequest, isS3: boolean): string {
  const payloadHash = sha256Hex(request.body);
  const declaredHash = singleHeader(request.headers, "x-amz-content-sha256");
  if (isS3 && declaredHash === undefined) {
    throw new StsError(400, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256");
  }
  if (isS3 && S3_UNSIGNED_PAYLOADS.has(declaredHash!)) {
    return declaredHash!;
  }
  if (declaredHash !== undefined && declaredHash !== payloadHash) {
    throw new StsError(403, "SignatureDoesNotMatch", "The x-amz-content-sha256 header does not match the SHA-256 digest of the request body.");
  }
  return payloadHash;
}

/**
 * Authenticates a SigV4-signed request and returns its caller, or throws one of these StsErrors:
 * - MissingAuthenticationToken (403) without an Authorization header.
 * - IncompleteSignature (400) for a malformed Authorization or X-Amz-Date header.
 * - SignatureDoesNotMatch (403) for a wrong scope, request time, body hash or signature.
 * - InvalidClientTokenId (403) for an unknown key or a wrong or missing session token.
 * - ExpiredToken (403) for an expired session.
 *
 * `service` is the signing name the credential scope must contain. For "s3" the path is signed as
 * sent, and `x-amz-content-sha256` is required and may name an unsigned payload.
 */
export function authenticate(
  request: ReceivedRequest,
  users: ReadonlyMap<string, ResolvedUser>,
  sessions: SessionStore,
  nowMs: number,
  service: string = SIGNING_SERVICE,
): AuthenticatedCaller {
  const header = singleHeader(request.headers, "authorization");
  if (header === undefined) {
    throw new StsError(403, "MissingAuthenticationToken", STS_MESSAGES.missingAuthenticationToken);
  }
  const authorization = parseAuthorizationHeader(header);

  for (const required of ["host", "x-amz-date"]) {
    if (!authorization.signedHeaders.includes(required)) {
      throw new StsError(400, "IncompleteSignature", `'${required}' must be a 'SignedHeader' in the AWS Authorization.`);
    }
  }
  const amzDate = singleHeader(request.headers, "x-amz-date");
  if (amzDate === undefined) {
    throw new StsError(400, "IncompleteSignature", "Authorization header requires existence of a 'X-Amz-Date' header.");
  }
  const requestTimeMs = parseAmzDate(amzDate);
  if (requestTimeMs === undefined) {
    throw new StsError(400, "IncompleteSignature", `Invalid X-Amz-Date '${amzDate}': expected the ISO 8601 basic format yyyyMMddTHHmmssZ.`);
  }

  if (authorization.service !== service) {
    throw new StsError(403, "SignatureDoesNotMatch", `Credential should be scoped to correct service: '${service}'.`);
  }
  if (!/^[a-z0-9-]+$/.test(authorization.region)) {
    throw new StsError(403, "SignatureDoesNotMatch", `Credential should be scoped to a valid region, not '${authorization.region}'.`);
  }
  checkRequestTime(amzDate, requestTimeMs, authorization.scopeDate, nowMs);

  const securityToken = singleHeader(request.headers, "x-amz-security-token");
  const caller = findCaller(authorization.accessKeyId, securityToken, users, sessions);

  const isS3 = service === "s3";
  const payloadHash = checkPayloadHash(request, isS3);
  const expected = computeSignature(request, authorization, amzDate, payloadHash, caller.secretAccessKey, { normalizePath: !isS3 });
  if (!signaturesMatch(expected, authorization.signature)) {
    throw new StsError(403, "SignatureDoesNotMatch", STS_MESSAGES.signatureDoesNotMatch);
  }

  if (caller.session !== undefined && caller.session.expiresAtMs <= nowMs) {
    throw new StsError(403, "ExpiredToken", STS_MESSAGES.expiredToken);
  }
  return { user: caller.user, session: caller.session, authorization };
}
