// The loopback HTTP server that speaks the STS Query protocol.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { ACTION_HANDLERS } from "./actions.js";
import { authenticate, peekAuthorization, type AuthenticatedCaller, type ReceivedRequest } from "./auth.js";
import { StsError, explicitDenyMessage, regionDisabledMessage } from "./errors.js";
import { IAM_ACTION_HANDLERS, IAM_API_VERSION, IAM_SIGNING_SERVICE, requireIamCaller } from "./iam.js";
import { MfaVerifier } from "./mfa.js";
import { xmlReply, type HttpReply } from "./reply.js";
import {
  BucketStore,
  MAX_S3_BODY_BYTES,
  S3_SIGNING_SERVICE,
  buildS3ErrorXml,
  resolveS3Operation,
  runS3Operation,
  toS3AuthError,
} from "./s3.js";
import { SessionStore } from "./sessions.js";
import type {
  StsLocal,
  StsLocalInjectedError,
  StsLocalOptions,
  StsLocalRequestRecord,
  StsLocalService,
  StsLocalStats,
} from "./types.js";
import { resolveUsers } from "./users.js";
import { IAM_XML_NAMESPACE, buildErrorXml, buildSuccessXml } from "./xml.js";

/** The only address the server binds, so that it is never reachable from another machine. */
const LOOPBACK_HOST = "127.0.0.1";

/** STS API version that every request must name. */
export const STS_API_VERSION = "2011-06-15";

/** Largest request body that the server reads, in bytes. STS requests are a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

function validateLifetime(seconds: number | undefined, name: string): void {
  if (seconds !== undefined && !(Number.isInteger(seconds) && seconds > 0)) {
    throw new RangeError(`Invalid ${name} ${seconds}: expected a positive whole number of seconds.`);
  }
}

function validateInjectedError(count: number, error: StsLocalInjectedError): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`Invalid failNext count ${count}: expected a non-negative integer.`);
  }
  if (!Number.isInteger(error.status) || error.status < 400 || error.status > 599) {
    throw new RangeError(`Invalid failNext status ${error.status}: expected an HTTP error status from 400 to 599.`);
  }
}

/** Reads the request body, or returns undefined when it is longer than `maxBytes`. */
async function readBody(request: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    if (length <= maxBytes) {
      chunks.push(chunk as Buffer);
    }
  }
  return length <= maxBytes ? Buffer.concat(chunks) : undefined;
}

/** Entries of requireMfa: "service:Action" or "service:*" for a service that sts-local implements. */
const MFA_REQUIREMENT = /^(sts|iam|s3):(\*|[A-Za-z0-9]+)$/;

function validateMfaRequirements(actions: readonly string[]): void {
  if (!Array.isArray(actions)) {
    throw new TypeError("Invalid requireMfa argument: expected an array of \"service:Action\" strings.");
  }
  for (const action of actions) {
    if (typeof action !== "string" || !MFA_REQUIREMENT.test(action)) {
      throw new RangeError(`Invalid requireMfa entry "${String(action)}": expected "sts:", "iam:" or "s3:" followed by an action name or *.`);
    }
  }
}

/** Builds the error response body in the format of the service that handled the request. */
function errorBody(service: StsLocalService, error: StsError, requestId: string): string {
  if (service === "s3") {
    return buildS3ErrorXml(error.code, error.message, requestId);
  }
  const namespace = service === "iam" ? IAM_XML_NAMESPACE : undefined;
  return buildErrorXml(error.status, error.code, error.message, requestId, namespace);
}

/** Throws a 400 error unless the request is a form-encoded POST to path "/". */
function checkHttpShape(request: IncomingMessage, body: Buffer | undefined): asserts body is Buffer {
  if (body === undefined) {
    throw new StsError(413, "RequestEntityTooLarge", `The request body is longer than ${MAX_BODY_BYTES} bytes.`);
  }
  if (request.method !== "POST") {
    throw new StsError(400, "InvalidRequest", `sts-local accepts only POST requests, but this request used ${request.method}.`);
  }
  const path = (request.url ?? "/").split("?")[0];
  if (path !== "/") {
    throw new StsError(400, "InvalidRequest", `sts-local accepts requests only at path /, but this request used ${path}.`);
  }
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (mediaType !== "application/x-www-form-urlencoded") {
    throw new StsError(
      400,
      "InvalidRequest",
      `sts-local accepts only a form-encoded body (Content-Type application/x-www-form-urlencoded), but this request had Content-Type '${mediaType}'.`,
    );
  }
}

/** Starts an STS-compatible server on 127.0.0.1 for examples and tests. Not for production. */
export async function startStsLocal(options: StsLocalOptions): Promise<StsLocal> {
  const users = resolveUsers(options.users);
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`Invalid port ${port}: expected an integer from 0 to 65535.`);
  }
  validateLifetime(options.sessionLifetimeSeconds, "sessionLifetimeSeconds");

  const now = options.now ?? (() => Date.now());
  const logger = options.logger;
  const sessions = new SessionStore();
  const mfa = new MfaVerifier();
  const disabledRegions = new Set(options.disabledRegions ?? []);
  const injectedErrors: StsLocalInjectedError[] = [];
  let sessionLifetimeSeconds = options.sessionLifetimeSeconds;
  const stats: StsLocalStats = { calls: {}, codesAccepted: 0, codesRejected: 0, codesReused: 0, signatureFailures: 0 };
  const requests: StsLocalRequestRecord[] = [];
  const buckets = new BucketStore();
  const createdAtMs = now();
  (options.buckets ?? []).forEach((name, index) => {
    try {
      buckets.create(name, createdAtMs);
    } catch (error) {
      throw new TypeError(`Invalid sts-local option buckets[${index}]: ${(error as Error).message}`);
    }
  });
  let mfaRequirements = new Set<string>();

  /** Counts the action and throws the next injected error, if any. */
  function countAndInject(action: string | undefined): void {
    if (action !== undefined) {
      stats.calls[action] = (stats.calls[action] ?? 0) + 1;
    }
    const index = injectedErrors.findIndex((injected) => injected.action === undefined || injected.action === action);
    if (index >= 0) {
      const [injected] = injectedErrors.splice(index, 1);
      throw new StsError(injected!.status, injected!.code, injected!.message);
    }
  }

  /** Throws an explicit AccessDenied when `requireMfa` lists the action and the caller is not an MFA session. */
  function checkMfaRequirement(caller: AuthenticatedCaller, service: StsLocalService, action: string): void {
    if (caller.session?.mfaAuthenticated === true) {
      return;
    }
    if (mfaRequirements.has(`${service}:${action}`) || mfaRequirements.has(`${service}:*`)) {
      throw new StsError(403, "AccessDenied", explicitDenyMessage(caller.user.arn, `${service}:${action}`));
    }
  }

  /** Runs every check and the S3 operation. Throws an StsError for an error response. */
  async function processS3Request(request: IncomingMessage, record: StsLocalRequestRecord): Promise<HttpReply> {
    const body = await readBody(request, MAX_S3_BODY_BYTES);
    if (body === undefined) {
      throw new StsError(400, "EntityTooLarge", `Your proposed upload exceeds the maximum allowed size of sts-local, ${MAX_S3_BODY_BYTES} bytes.`);
    }
    const method = request.method ?? "";
    const operation = resolveS3Operation(method, request.url ?? "/");
    record.action = operation.name;
    countAndInject(operation.name);

    const nowMs = now();
    const received: ReceivedRequest = { method, target: request.url ?? "/", rawHeaders: request.rawHeaders, headers: request.headers, body };
    let caller: AuthenticatedCaller;
    try {
      caller = authenticate(received, users, sessions, nowMs, S3_SIGNING_SERVICE);
    } catch (error) {
      const knownKey = record.accessKeyId !== undefined && (users.has(record.accessKeyId) || sessions.find(record.accessKeyId) !== undefined);
      throw error instanceof StsError ? toS3AuthError(error, knownKey) : error;
    }
    record.mfaAuthenticated = caller.session?.mfaAuthenticated;
    checkMfaRequirement(caller, "s3", operation.name);

    return runS3Operation(operation, { headers: request.headers, body, account: caller.user.account, nowMs }, buckets);
  }

  /** Runs every check and the action of an STS or IAM request. Throws an StsError for an error response. */
  async function processRequest(request: IncomingMessage, record: StsLocalRequestRecord): Promise<HttpReply> {
    if (record.service === "s3") {
      return processS3Request(request, record);
    }
    const body = await readBody(request);
    checkHttpShape(request, body);

    const params = new URLSearchParams(body.toString("utf8"));
    const action = params.get("Action") ?? undefined;
    record.action = action;
    const version = params.get("Version");
    if (version === IAM_API_VERSION) {
      record.service = "iam";
    }
    countAndInject(action);

    if (action === undefined) {
      throw new StsError(400, "MissingAction", "The request must contain the parameter Action.");
    }
    if (version === null) {
      throw new StsError(400, "MissingParameter", "The request must contain the parameter Version.");
    }

    const nowMs = now();
    const received = { method: request.method ?? "", target: request.url ?? "/", rawHeaders: request.rawHeaders, headers: request.headers, body };
    const caller = authenticate(received, users, sessions, nowMs, record.service === "iam" ? IAM_SIGNING_SERVICE : undefined);
    record.mfaAuthenticated = caller.session?.mfaAuthenticated;

    if (record.service === "iam") {
      const iamHandler = IAM_ACTION_HANDLERS.get(action);
      if (iamHandler === undefined) {
        throw new StsError(
          400,
          "InvalidAction",
          `Could not find operation ${action} for version ${version}. sts-local implements the IAM actions ${[...IAM_ACTION_HANDLERS.keys()].join(" and ")}.`,
        );
      }
      requireIamCaller(caller);
      checkMfaRequirement(caller, "iam", action);
      return xmlReply(200, buildSuccessXml(action, iamHandler({ caller, params, users, createdAtMs }), record.requestId, IAM_XML_NAMESPACE));
    }

    const handler = ACTION_HANDLERS.get(action);
    if (handler === undefined || version !== STS_API_VERSION) {
      throw new StsError(
        400,
        "InvalidAction",
        `Could not find operation ${action} for version ${version}. sts-local implements GetSessionToken and GetCallerIdentity of version ${STS_API_VERSION}.`,
      );
    }
    // Checked before the action runs, so that an MFA code sent to a disabled region is not used up.
    if (disabledRegions.has(caller.authorization.region)) {
      throw new StsError(403, "RegionDisabledException", regionDisabledMessage(caller.user.account));
    }
    checkMfaRequirement(caller, "sts", action);

    const resultXml = handler({ caller, params, nowMs, sessions, mfa, stats, sessionLifetimeSeconds });
    return xmlReply(200, buildSuccessXml(action, resultXml, record.requestId));
  }

  function send(response: ServerResponse, request: IncomingMessage, reply: HttpReply, record: StsLocalRequestRecord): void {
    response.sendDate = false;
    // S3 names its request id header differently from the Query protocol services.
    const requestIdHeader = record.service === "s3" ? "x-amz-request-id" : "x-amzn-RequestId";
    response.writeHead(reply.status, {
      ...reply.headers,
      "Content-Length": Buffer.byteLength(reply.body),
      [requestIdHeader]: record.requestId,
      // The Date header follows the server clock, so an SDK client can correct its clock skew from it.
      Date: new Date(now()).toUTCString(),
    });
    response.end(request.method === "HEAD" ? undefined : reply.body);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const authorization = peekAuthorization(request.headers);
    const record: StsLocalRequestRecord = {
      service: authorization?.service === S3_SIGNING_SERVICE ? "s3" : "sts",
      action: undefined,
      region: authorization?.region,
      accessKeyId: authorization?.accessKeyId,
      sessionToken: request.headers["x-amz-security-token"] !== undefined,
      mfaAuthenticated: undefined,
      status: 200,
      errorCode: undefined,
      requestId: randomUUID(),
    };
    requests.push(record);

    let reply: HttpReply;
    try {
      reply = await processRequest(request, record);
    } catch (error) {
      let stsError: StsError;
      if (error instanceof StsError) {
        stsError = error;
      } else {
        logger?.error(`sts-local: request ${record.requestId} failed with an internal error: ${(error as Error).stack ?? String(error)}`);
        stsError = new StsError(500, "InternalFailure", "sts-local failed to process the request because of an internal error.");
      }
      if (stsError.code === "SignatureDoesNotMatch") {
        stats.signatureFailures += 1;
      }
      record.errorCode = stsError.code;
      reply = xmlReply(stsError.status, errorBody(record.service, stsError, record.requestId));
    }
    record.status = reply.status;

    logger?.info(
      `sts-local: ${record.service} ${record.action ?? "(no action)"} key=${record.accessKeyId ?? "-"} region=${record.region ?? "-"} ` +
        `status=${record.status}${record.errorCode ? ` code=${record.errorCode}` : ""} requestId=${record.requestId}`,
    );
    send(response, request, reply, record);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger?.error(`sts-local: failed to send a response: ${String(error)}`);
      response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, LOOPBACK_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${LOOPBACK_HOST}:${address.port}`,
    stats,
    requests,
    disableRegion(region) {
      disabledRegions.add(region);
    },
    enableRegion(region) {
      disabledRegions.delete(region);
    },
    failNext(count, error) {
      validateInjectedError(count, error);
      for (let index = 0; index < count; index += 1) {
        injectedErrors.push({ status: error.status, code: error.code, message: error.message, action: error.action });
      }
    },
    setSessionLifetime(seconds) {
      validateLifetime(seconds, "session lifetime");
      sessionLifetimeSeconds = seconds;
    },
    expireSession(accessKeyId) {
      sessions.expire(accessKeyId, now());
    },
    requireMfa(actions) {
      validateMfaRequirements(actions);
      mfaRequirements = new Set(actions);
    },
    resetStats() {
      for (const action of Object.keys(stats.calls)) {
        delete stats.calls[action];
      }
      stats.codesAccepted = 0;
      stats.codesRejected = 0;
      stats.codesReused = 0;
      stats.signatureFailures = 0;
      requests.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // close() ends only idle keep-alive connections, so this also ends requests still in flight.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
