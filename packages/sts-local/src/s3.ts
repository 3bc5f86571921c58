// A minimal S3 for tests of SigV4 clients: path-style buckets and objects kept in memory.
import { createHash } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

import { decodeAwsChunked } from "./awsChunked.js";
import { StsError } from "./errors.js";
import type { HttpReply } from "./reply.js";
import { escapeXml, xmlElement } from "./xml.js";

/** The signing name that the credential scope of an S3 request must contain. */
export const S3_SIGNING_SERVICE = "s3";

/** XML namespace of S3 response bodies. */
export const S3_XML_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

/** Largest S3 request body that the server reads, in bytes. Larger uploads fail with EntityTooLarge. */
export const MAX_S3_BODY_BYTES = 1024 * 1024;

/** An S3 operation identified from the method and path-style target of a request. */
export interface S3Operation {
  name: "ListBuckets" | "CreateBucket" | "PutObject" | "GetObject" | "HeadObject";
  bucket: string;
  key: string;
}

interface StoredObject {
  data: Buffer;
  contentType: string;
  etag: string;
  lastModifiedMs: number;
}

interface Bucket {
  createdAtMs: number;
  objects: Map<string, StoredObject>;
}

/** Buckets and objects, kept in memory for the life of the server. Every user sees every bucket. */
export class BucketStore {
  private readonly buckets = new Map<string, Bucket>();

  /** Creates a bucket, or throws BucketAlreadyOwnedByYou when it exists. */
  create(name: string, nowMs: number): void {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
      throw new StsError(400, "InvalidBucketName", `The specified bucket is not valid: "${name}" must be 3 to 63 characters a-z 0-9 . -.`);
    }
    if (this.buckets.has(name)) {
      throw new StsError(409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.");
    }
    this.buckets.set(name, { createdAtMs: nowMs, objects: new Map() });
  }

  /** Returns the bucket, or throws NoSuchBucket. */
  get(name: string): Bucket {
    const bucket = this.buckets.get(name);
    if (bucket === undefined) {
      throw new StsError(404, "NoSuchBucket", "The specified bucket does not exist");
    }
    return bucket;
  }

  list(): [string, Bucket][] {
    return [...this.buckets.entries()].sort(([nameA], [nameB]) => (nameA < nameB ? -1 : 1));
  }
}

/**
 * Maps the method and target (`/bucket/key?query`, still percent-encoded) of a path-style request to
 * an operation. Throws NotImplemented for anything else, such as a subresource like `?acl`.
 */
export function resolveS3Operation(method: string, target: string): S3Operation {
  const queryStart = target.indexOf("?");
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  const query = new URLSearchParams(queryStart === -1 ? "" : target.slice(queryStart + 1));
  const unsupported = [...query.keys()].filter((name) => name !== "x-id");
  if (unsupported.length > 0) {
    throw notImplemented(`the query parameter ${unsupported[0]}`);
  }

  const slash = path.indexOf("/", 1);
  const bucket = decodePathPart(slash === -1 ? path.slice(1) : path.slice(1, slash));
  const key = slash === -1 ? "" : decodePathPart(path.slice(slash + 1));

  if (bucket === "" && method === "GET") {
    return { name: "ListBuckets", bucket, key };
  }
  if (bucket !== "" && key === "" && method === "PUT") {
    return { name: "CreateBucket", bucket, key };
  }
  if (bucket !== "" && key !== "") {
    const byMethod: Record<string, S3Operation["name"]> = { PUT: "PutObject", GET: "GetObject", HEAD: "HeadObject" };
    const name = byMethod[method];
    if (name !== undefined) {
      return { name, bucket, key };
    }
  }
  throw notImplemented(`${method} ${path}`);
}

function decodePathPart(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new StsError(400, "InvalidURI", `Couldn't parse the specified URI: the path part "${text}" is not valid percent-encoding.`);
  }
}

function notImplemented(operation: string): StsError {
  return new StsError(
    501,
    "NotImplemented",
    `sts-local does not implement ${operation} for S3. It implements ListBuckets, CreateBucket, PutObject, GetObject and HeadObject with path-style addressing.`,
  );
}

/** Request parts that an S3 operation reads. */
export interface S3Request {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Account of the caller, reported as the owner in ListBuckets. */
  account: string;
  nowMs: number;
}

/** Runs an authenticated S3 operation. Throws an StsError for an S3 error response. */
export function runS3Operation(operation: S3Operation, request: S3Request, store: BucketStore): HttpReply {
  switch (operation.name) {
    case "ListBuckets":
      return listBuckets(request, store);
    case "CreateBucket":
      store.create(operation.bucket, request.nowMs);
      return { status: 200, headers: { Location: `/${operation.bucket}` }, body: "" };
    case "PutObject":
      return putObject(operation, request, store);
    case "GetObject":
    case "HeadObject":
      return getObject(operation, store);
  }
}

function listBuckets(request: S3Request, store: BucketStore): HttpReply {
  const ownerId = createHash("sha256").update(request.account).digest("hex");
  const buckets = store
    .list()
    .map(([name, bucket]) => `<Bucket>${xmlElement("Name", name)}${xmlElement("CreationDate", new Date(bucket.createdAtMs).toISOString())}</Bucket>`);
  const xml =
    `<ListAllMyBucketsResult xmlns="${S3_XML_NAMESPACE}">` +
    `<Owner>${xmlElement("ID", ownerId)}${xmlElement("DisplayName", request.account)}</Owner>` +
    `<Buckets>${buckets.join("")}</Buckets>` +
    `</ListAllMyBucketsResult>`;
  return { status: 200, headers: { "Content-Type": "application/xml" }, body: xml };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Returns the object data, decoding aws-chunked and checking its declared length. */
function readObjectData(request: S3Request): Buffer {
  const encodings = (header(request.headers, "content-encoding") ?? "").split(",").map((value) => value.trim());
  if (!encodings.includes("aws-chunked")) {
    return request.body;
  }

  const { data } = decodeAwsChunked(request.body);
  const declared = header(request.headers, "x-amz-decoded-content-length");
  if (declared === undefined || Number(declared) !== data.length) {
    throw new StsError(
      400,
      "IncompleteBody",
      `You did not provide the number of bytes specified by the x-amz-decoded-content-length header (${declared ?? "missing"}, received ${data.length}).`,
    );
  }
  return data;
}

function putObject(operation: S3Operation, request: S3Request, store: BucketStore): HttpReply {
  const bucket = store.get(operation.bucket);
  const data = readObjectData(request);
  // NOTE: checksums the SDK sends (x-amz-checksum-*) are not verified.
  const etag = `"${createHash("md5").update(data).digest("hex")}"`;
  bucket.objects.set(operation.key, {
    data,
    contentType: header(request.headers, "content-type") ?? "binary/octet-stream",
    etag,
    lastModifiedMs: request.nowMs,
  });
  return { status: 200, headers: { ETag: etag }, body: "" };
}

function getObject(operation: S3Operation, store: BucketStore): HttpReply {
  const stored = store.get(operation.bucket).objects.get(operation.key);
  if (stored === undefined) {
    throw new StsError(404, "NoSuchKey", "The specified key does not exist.");
  }
  return {
    status: 200,
    headers: { "Content-Type": stored.contentType, ETag: stored.etag, "Last-Modified": new Date(stored.lastModifiedMs).toUTCString() },
    body: stored.data,
  };
}

/**
 * Converts an authentication error in STS terms into the code and status S3 uses for it.
 * `knownAccessKey` is true when the access key id belongs to a user or an issued session.
 */
export function toS3AuthError(error: StsError, knownAccessKey: boolean): StsError {
  switch (error.code) {
    case "MissingAuthenticationToken":
      return new StsError(403, "AccessDenied", "Access Denied");
    case "IncompleteSignature":
      return new StsError(400, "AuthorizationHeaderMalformed", error.message);
    case "ExpiredToken":
      return new StsError(400, "ExpiredToken", "The provided token has expired.");
    case "InvalidClientTokenId":
      return knownAccessKey
        ? new StsError(400, "InvalidToken", "The provided token is malformed or otherwise invalid.")
        : new StsError(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
    case "SignatureDoesNotMatch":
      return /^Signature (expired|not yet current)/.test(error.message)
        ? new StsError(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.")
        : error;
    default:
      return error;
  }
}

/** Builds an S3 `<Error>` body. */
export function buildS3ErrorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${xmlElement("Code", code)}${xmlElement("Message", message)}<RequestId>${escapeXml(requestId)}</RequestId></Error>`;
}
