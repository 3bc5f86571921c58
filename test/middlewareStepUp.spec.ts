import assert from "node:assert/strict";

import sinon from "sinon";

import { getMfaSessionPlugin } from "../packages/middleware/src/index.js";
import {
  BUCKET,
  ListBucketsCommand,
  ListUsersCommand,
  PutObjectCommand,
  iamClient,
  recordsOf,
  s3Client,
  signedBySession,
  signedBySource,
  useWorld,
} from "../packages/middleware/test/support/fixtures.js";

describe("getMfaSessionPlugin step-up", () => {
  const world = useWorld();

  const stepUpS3 = (extra = {}) => {
    const s3 = s3Client(world.sts);
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options({ mode: "on-access-denied", ...extra })));
    return s3;
  };

  it("signs with the source first", async () => {
    const s3 = stepUpS3();

    await s3.send(new ListBucketsCommand({}));
    await s3.send(new ListBucketsCommand({}));

    assert.ok(recordsOf(world.sts, "ListBuckets").every(signedBySource));
    assert.equal(world.sts.stats.calls.GetSessionToken, undefined);
    assert.equal(world.mfaCodeProvider.callCount, 0);
  });

  it("steps up after a denial", async () => {
    world.sts.requireMfa(["s3:ListBuckets"]);
    const s3 = stepUpS3();

    await s3.send(new ListBucketsCommand({}));

    const [denied, retried] = recordsOf(world.sts, "ListBuckets");
    assert.ok(signedBySource(denied));
    assert.equal(denied.errorCode, "AccessDenied");
    assert.ok(signedBySession(retried));
    assert.equal(retried.status, 200);
    assert.equal(recordsOf(world.sts, "ListBuckets").length, 2, "exactly one retry");
    assert.equal(world.sts.stats.calls.GetSessionToken, 1);
    assert.equal(world.mfaCodeProvider.callCount, 1);
  });

  it("keeps the session afterwards", async () => {
    world.sts.requireMfa(["s3:ListBuckets"]);
    const s3 = stepUpS3();

    await s3.send(new ListBucketsCommand({}));
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "after-step-up.txt", Body: "x" }));

    assert.ok(signedBySession(recordsOf(world.sts, "PutObject")[0]));
    assert.equal(world.mfaCodeProvider.callCount, 1);
  });

  it("switches lookups outside requests", async () => {
    world.sts.requireMfa(["s3:ListBuckets"]);
    const s3 = stepUpS3();

    const before = await s3.config.credentials();
    await s3.send(new ListBucketsCommand({}));
    const after = await s3.config.credentials();

    assert.equal(before.accessKeyId, world.user.accessKeyId);
    assert.match(after.accessKeyId, /^ASIA/);
  });

  it("steps up IAM", async () => {
    world.sts.requireMfa(["iam:ListUsers"]);
    const iam = iamClient(world.sts);
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, world.options({ mode: "on-access-denied" })));

    await iam.send(new ListUsersCommand({}));

    const [denied, retried] = recordsOf(world.sts, "ListUsers");
    assert.ok(signedBySource(denied));
    assert.ok(signedBySession(retried));
    assert.equal(retried.mfaAuthenticated, true);
  });

  it("ignores other denials", async () => {
    const s3 = stepUpS3();

    world.sts.failNext(1, { status: 403, code: "AccessDenied", message: "Access Denied" });
    await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "AccessDenied" });

    assert.equal(recordsOf(world.sts, "ListBuckets").length, 1);
    assert.equal(world.mfaCodeProvider.callCount, 0);
  });

  it("uses a replaced predicate", async () => {
    world.sts.requireMfa(["s3:ListBuckets"]);
    const isMfaRequiredError = sinon.fake.returns(false);
    const s3 = stepUpS3({ isMfaRequiredError });

    await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "AccessDenied" });

    assert.equal(isMfaRequiredError.callCount, 1);
    assert.equal((isMfaRequiredError.firstCall.firstArg as Error).name, "AccessDenied");
    assert.equal(world.mfaCodeProvider.callCount, 0);
  });

  it("steps up on a custom code", async () => {
    const s3 = stepUpS3({ isMfaRequiredError: (error: unknown) => (error as Error).name === "UnauthorizedOperation" });

    world.sts.failNext(1, { status: 403, code: "UnauthorizedOperation", message: "You are not authorized to perform this operation." });
    await s3.send(new ListBucketsCommand({}));

    assert.ok(signedBySession(recordsOf(world.sts, "ListBuckets")[1]));
  });

  it("retries only once", async () => {
    const s3 = stepUpS3();
    let attempts = 0;
    s3.middlewareStack.add(
      () => async () => {
        attempts += 1;
        throw Object.assign(new Error("User: alice is not authorized to perform: s3:ListBuckets with an explicit deny"), {
          name: "AccessDenied",
          $metadata: {},
        });
      },
      { step: "finalizeRequest", priority: "low", name: "denyEveryAttempt" },
    );

    await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "AccessDenied" });

    assert.equal(attempts, 2);
  });
});
