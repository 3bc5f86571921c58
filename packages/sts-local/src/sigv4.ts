// AWS Signature Version 4 (AWS4-HMAC-SHA256) computed from the raw HTTP request with node:crypto.
// It deliberately shares no code with the AWS SDK signer, so that a signing bug on either side
// shows up as a rejected request instead of cancelling out.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

import { StsError } from "./errors.js";

/** The only signing algorithm that the server accepts. */
export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface SigV4Authorization {
  accessKeyId: string;
  /** Date of the credential scope, `yyyyMMdd`. */
  scopeDate: string;
  region: string;
  service: string;
  /** Lowercase header names in the order of the SignedHeaders list. */
  signedHeaders: string[];
  /** Signature as sent, expected to be 64 lowercase hex digits. */
  signature: string;
}

/** The raw parts of an HTTP request that a SigV4 signature covers. */
export interface SignedHttpRequest {
  method: string;
  /** Request target as received, path and optional query, still percent-encoded (Node's `req.url`). */
  target: string;
  /** Alternating header names and values as received (Node's `req.rawHeaders`). */
  rawHeaders: readonly string[];
  body: Buffer;
}

/**
 * Parses a SigV4 Authorization header value.
 * Throws a 400 IncompleteSignature StsError when the algorithm or a component is missing or malformed.
 */
export function parseAuthorizationHeader(value: string): SigV4Authorization {
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) {
    throw new StsError(
      400,
      "IncompleteSignature",
      `Unsupported Authorization header: expected the ${SIGV4_ALGORITHM} algorithm followed by Credential, SignedHeaders and Signature.`,
    );
  }

  const components = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(",")) {
    const separator = part.indexOf("=");
    if (separator > 0) {
      components.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
    }
  }

  const missing = ["Credential", "SignedHeaders", "Signature"].filter((name) => !components.get(name));
  if (missing.length > 0) {
    const requirements = missing.map((name) => `Authorization header requires '${name}' parameter.`);
    throw new StsError(400, "IncompleteSignature", requirements.join(" "));
  }

  // Credential=AKID/yyyyMMdd/region/service/aws4_request. The access key id itself contains no slash.
  const credential = components.get("Credential")!.split("/");
  if (credential.length !== 5 || credential[4] !== "aws4_request" || !/^\d{8}$/.test(credential[1])) {
    throw new StsError(
      400,
      "IncompleteSignature",
      "Invalid Credential in the Authorization header: expected ACCESS_KEY_ID/yyyyMMdd/REGION/SERVICE/aws4_request.",
    );
  }
  const [accessKeyId, scopeDate, region, service] = credential;

  return {
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: components.get("SignedHeaders")!.split(";"),
    signature: components.get("Signature")!,
  };
}

/**
 * Parses an X-Amz-Date value in the ISO 8601 basic format `yyyyMMddTHHmmssZ` into milliseconds
 * since the Unix epoch. Returns undefined when the value does not have that format.
 */
export function parseAmzDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls over out-of-range fields (month 13, second 61), so compare the result with the input.
  return formatAmzDate(time) === value ? time : undefined;
}

/** Formats milliseconds since the Unix epoch as an X-Amz-Date value, `yyyyMMddTHHmmssZ`. */
export function formatAmzDate(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** Returns the hex SHA-256 digest of `data`. */
export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Percent-encodes `text` as SigV4 requires: every byte except A-Z a-z 0-9 - _ . ~ is encoded. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Decodes percent-encoding, or returns `text` unchanged when it is not valid percent-encoding. */
function decodeOrKeep(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Builds the canonical URI of a path as received. For every service except S3 the signer drops
 * empty and `.` segments, resolves `..`, and then encodes the already encoded path a second time.
 */
function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "..") {
      segments.pop();
    } else if (segment !== "" && segment !== ".") {
      segments.push(segment);
    }
  }
  const trailingSlash = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return "/" + segments.map(encodeRfc3986).join("/") + trailingSlash;
}

/** Builds the canonical query string: each name and value decoded, re-encoded, then sorted by name and value. */
function canonicalQuery(query: string): string {
  const pairs: Array<[string, string]> = [];
  for (const part of query.split("&")) {
    if (part === "") {
      continue;
    }
    const separator = part.indexOf("=");
    const name = separator === -1 ? part : part.slice(0, separator);
    const value = separator === -1 ? "" : part.slice(separator + 1);
    pairs.push([encodeRfc3986(decodeOrKeep(name)), encodeRfc3986(decodeOrKeep(value))]);
  }
  pairs.sort(([nameA, valueA], [nameB, valueB]) => {
    // Plain code-unit order, not localeCompare: SigV4 sorts by byte value, and encoded text is ASCII.
    if (nameA !== nameB) {
      return nameA < nameB ? -1 : 1;
    }
    if (valueA !== valueB) {
      return valueA < valueB ? -1 : 1;
    }
    return 0;
  });
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/**
 * Returns the canonical value of header `name` (lowercase): every occurrence trimmed, inner runs of
 * spaces collapsed to one, and the occurrences joined with commas. A header that is absent yields "".
 */
function canonicalHeaderValue(rawHeaders: readonly string[], name: string): string {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index].toLowerCase() === name) {
      values.push(rawHeaders[index + 1].trim().replace(/\s+/g, " "));
    }
  }
  return values.join(",");
}

/** Rules a service follows to build the canonical URI of a request. */
export interface CanonicalUriOptions {
  /**
   * Whether the path is normalized and encoded a second time, as every service except S3 requires.
   * S3 signs the path exactly as it is sent. Default true.
   */
  normalizePath?: boolean;
}

/** Builds the SigV4 canonical request of `request` for the given signed headers and payload hash. */
export function buildCanonicalRequest(
  request: SignedHttpRequest,
  signedHeaders: readonly string[],
  payloadHash: string,
  options: CanonicalUriOptions = {},
): string {
  const queryStart = request.target.indexOf("?");
  const path = queryStart === -1 ? request.target : request.target.slice(0, queryStart);
  const query = queryStart === -1 ? "" : request.target.slice(queryStart + 1);
  const headerLines = signedHeaders.map((name) => `${name}:${canonicalHeaderValue(request.rawHeaders, name)}\n`);

  return [
    request.method.toUpperCase(),
    options.normalizePath === false ? path : canonicalUri(path),
    canonicalQuery(query),
    headerLines.join(""),
    signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
}

/** Builds the SigV4 string to sign from the request time, the credential scope and the canonical request. */
export function buildStringToSign(amzDate: string, credentialScope: string, canonicalRequest: string): string {
  return [SIGV4_ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join("\n");
}

/** Derives the SigV4 signing key: HMAC-SHA256 chained over date, region, service and "aws4_request". */
export function deriveSigningKey(secretAccessKey: string, scopeDate: string, region: string, service: string): Buffer {
  const dateKey = createHmac("sha256", `AWS4${secretAccessKey}`).update(scopeDate).digest();
  const regionKey = createHmac("sha256", dateKey).update(region).digest();
  const serviceKey = createHmac("sha256", regionKey).update(service).digest();
  return createHmac("sha256", serviceKey).update("aws4_request").digest();
}

/**
 * Computes the hex signature that `request` should carry, given the secret of the access key in
 * `authorization`, the X-Amz-Date value and the payload hash.
 */
export function computeSignature(
  request: SignedHttpRequest,
  authorization: SigV4Authorization,
  amzDate: string,
  payloadHash: string,
  secretAccessKey: string,
  options: CanonicalUriOptions = {},
): string {
  const { scopeDate, region, service, signedHeaders } = authorization;
  const credentialScope = `${scopeDate}/${region}/${service}/aws4_request`;
  const canonicalRequest = buildCanonicalRequest(request, signedHeaders, payloadHash, options);
  const stringToSign = buildStringToSign(amzDate, credentialScope, canonicalRequest);
  const signingKey = deriveSigningKey(secretAccessKey, scopeDate, region, service);
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

/** Compares two hex signatures in constant time. Signatures of different length never match. */
export function signaturesMatch(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, "utf8");
  const provided = Buffer.from(providedHex, "utf8");
  return expected.length === provided.length && timingSafeEqual(expected, provided);
}
