import assert from "node:assert/strict";
import { Readable } from "node:stream";

import { isMfaSessionError } from "@mfa-session/credential-provider";

import { getMfaSessionPlugin } from "../packages/middleware/src/index.js";
import {
  BUCKET,
  GetCallerIdentityCommand,
  ListBucketsCommand,
  ListUsersCommand,
  PutObjectCommand,
  iamClient,
  recordsOf,
  s3Client,
  signedBySession,
  useWorld,
  stsClient,
  type World,
} from "../packages/middleware/test/support/fixtures.js";

/** Sends one request so that a session exists, and returns its access key id as sts-local saw it. */
const warmUp = async (world: World, send: () => Promise<unknown>): Promise<string> => {
  await send();
  const key = world.sts.requests.find(signedBySession)?.accessKeyId;
  assert.ok(key, "no request was signed by a session");
  return key;
};

describe("getMfaSessionPlugin recovery", () => {
  const world = useWorld();

  it("renews after S3 ExpiredToken", async () => {
    const s3 = s3Client(world.sts);
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
    const first = await warmUp(world, () => s3.send(new ListBucketsCommand({})));

    world.sts.expireSession(first);
    await s3.send(new ListBucketsCommand({}));

    const [, expired, retried] = recordsOf(world.sts, "ListBuckets");
    assert.equal(expired.accessKeyId, first);
    assert.equal(expired.errorCode, "ExpiredToken");
    assert.ok(signedBySession(retried));
    assert.notEqual(retried.accessKeyId, first);
    assert.equal(retried.status, 200);
    assert.equal(world.sts.stats.calls.GetSessionToken, 2, "exactly one new GetSessionToken");
    assert.equal(world.mfaCodeProvider.callCount, 2);
  });

  it("renews after STS ExpiredToken", async () => {
    const sts = stsClient(world.sts);
    sts.middlewareStack.use(getMfaSessionPlugin(sts.config, world.options()));
    const first = await warmUp(world, () => sts.send(new GetCallerIdentityCommand({})));

    world.sts.expireSession(first);
    const identity = await sts.send(new GetCallerIdentityCommand({}));

    assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/alice");
    assert.deepEqual(
      recordsOf(world.sts, "GetCallerIdentity").map((record) => record.errorCode),
      [undefined, "ExpiredToken", undefined],
    );
    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
  });

  it("renews after IAM ExpiredToken", async () => {
    const iam = iamClient(world.sts);
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, world.options()));
    const first = await warmUp(world, () => iam.send(new ListUsersCommand({})));

    world.sts.expireSession(first);
    await iam.send(new ListUsersCommand({}));

    assert.equal(recordsOf(world.sts, "ListUsers").length, 3);
    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
  });

  it("renews after InvalidClientTokenId", async () => {
    const sts = stsClient(world.sts);
    sts.middlewareStack.use(getMfaSessionPlugin(sts.config, world.options()));
    await warmUp(world, () => sts.send(new GetCallerIdentityCommand({})));

    world.sts.failNext(1, { status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid." });
    await sts.send(new GetCallerIdentityCommand({}));

    assert.equal(recordsOf(world.sts, "GetCallerIdentity").length, 3);
    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
  });

  it("explains a repeated InvalidClientTokenId", async () => {
    const sts = stsClient(world.sts);
    const options = { ...world.options(), clientConfig: { ...world.options().clientConfig, useGlobalEndpoint: true } };
    sts.middlewareStack.use(getMfaSessionPlugin(sts.config, options));
    await warmUp(world, () => sts.send(new GetCallerIdentityCommand({})));

    const rejected = {
      status: 403,
      code: "InvalidClientTokenId",
      message: "The security token included in the request is invalid.",
      action: "GetCallerIdentity",
    };
    world.sts.failNext(2, rejected);

    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), (error: unknown) => {
      assert.ok(isMfaSessionError(error, "SESSION_REJECTED"), String(error));
      assert.match(error.message, /version 1 tokens/);
      assert.match(error.message, /useGlobalEndpoint/);
      assert.equal((error.cause as Error).name, "InvalidClientTokenId");
      return true;
    });
    assert.equal(recordsOf(world.sts, "GetCallerIdentity").length, 3);
  });

  it("renews once for concurrent failures", async () => {
    const clients = [s3Client(world.sts), s3Client(world.sts), s3Client(world.sts)];
    for (const s3 of clients) {
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
    }
    const first = await warmUp(world, () => clients[0].send(new ListBucketsCommand({})));

    world.sts.expireSession(first);
    await Promise.all(clients.map((s3) => s3.send(new ListBucketsCommand({}))));

    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
    assert.equal(world.mfaCodeProvider.callCount, 2);
    assert.equal(recordsOf(world.sts, "ListBuckets").filter((record) => record.status === 200).length, 4);
  });

  it("retries only once", async () => {
    const sts = stsClient(world.sts);
    sts.middlewareStack.use(getMfaSessionPlugin(sts.config, world.options()));
    let attempts = 0;
    // Runs after signing, so the session has been chosen when it rejects every attempt as expired.
    sts.middlewareStack.add(
      () => async () => {
        attempts += 1;
        throw Object.assign(new Error("The security token included in the request is expired"), {
          name: "ExpiredToken",
          $metadata: {},
        });
      },
      { step: "finalizeRequest", priority: "low", name: "rejectEveryAttempt" },
    );

    await assert.rejects(sts.send(new GetCallerIdentityCommand({})), { name: "ExpiredToken" });

    assert.equal(attempts, 2);
    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
  });

  it("skips streaming bodies", async () => {
    const s3 = s3Client(world.sts);
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
    const first = await warmUp(world, () => s3.send(new ListBucketsCommand({})));

    world.sts.expireSession(first);
    const body = Readable.from([Buffer.from("streamed")]);
    await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "stream.txt", Body: body, ContentLength: 8 })),
      { name: "ExpiredToken" },
    );
    await s3.send(new ListBucketsCommand({}));

    assert.equal(recordsOf(world.sts, "PutObject").length, 1);
    assert.notEqual(recordsOf(world.sts, "ListBuckets").at(-1)?.accessKeyId, first, "the rejected session was dropped");
    assert.equal(world.sts.stats.calls.GetSessionToken, 2);
  });

  it("uploads a stream with a live session", async () => {
    const s3 = s3Client(world.sts);
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "stream.txt", Body: Readable.from([Buffer.from("streamed")]), ContentLength: 8 }));

    assert.ok(signedBySession(recordsOf(world.sts, "PutObject")[0]));
    assert.equal(recordsOf(world.sts, "PutObject")[0].status, 200);
  });

  it("leaves source errors alone", async () => {
    const options = world.options({ serialNumber: undefined, mfaCodeProvider: undefined });
    const iam = iamClient(world.sts);
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, options));

    world.sts.failNext(1, { status: 403, code: "InvalidClientTokenId", message: "The security token included in the request is invalid." });
    await assert.rejects(iam.send(new ListUsersCommand({})), { name: "InvalidClientTokenId" });

    assert.equal(recordsOf(world.sts, "ListUsers").length, 1);
    assert.equal(world.sts.stats.calls.GetSessionToken, undefined);
  });
});
