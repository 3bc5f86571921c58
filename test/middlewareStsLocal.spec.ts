import assert from "node:assert/strict";

import {
  ACCOUNT,
  BUCKET,
  CreateBucketCommand,
  GetObjectCommand,
  GetSessionTokenCommand,
  GetUserCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListUsersCommand,
  PutObjectCommand,
  iamClient,
  s3Client,
  startWorld,
  stsClient,
  type World,
} from "../packages/middleware/test/support/fixtures.js";

interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

// The S3 and IAM parts of sts-local that the middleware tests rely on, checked with real SDK
// clients and no plugin.
describe("sts-local S3 and IAM", () => {
  let world: World;

  beforeEach(async () => {
    world = await startWorld();
  });

  afterEach(async () => {
    await world.sts.stop();
  });

  const session = async (withMfa: boolean): Promise<SessionKeys> => {
    const code = withMfa ? await world.mfaCodeProvider(world.user.mfaSerial, {} as never) : undefined;
    const { Credentials } = await stsClient(world.sts).send(
      new GetSessionTokenCommand({ DurationSeconds: 900, SerialNumber: withMfa ? world.user.mfaSerial : undefined, TokenCode: code }),
    );
    return { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretAccessKey!, sessionToken: Credentials!.SessionToken! };
  };

  describe("S3", () => {
    it("stores and returns objects", async () => {
      const s3 = s3Client(world.sts);
      await s3.send(new CreateBucketCommand({ Bucket: "second-bucket" }));
      await s3.send(new PutObjectCommand({ Bucket: "second-bucket", Key: "dir/file name.txt", Body: "content", ContentType: "text/plain" }));

      const object = await s3.send(new GetObjectCommand({ Bucket: "second-bucket", Key: "dir/file name.txt" }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: "second-bucket", Key: "dir/file name.txt" }));
      const { Buckets } = await s3.send(new ListBucketsCommand({}));

      assert.equal(await object.Body?.transformToString(), "content");
      assert.equal(object.ContentType, "text/plain");
      assert.equal(head.ContentLength, 7);
      assert.deepEqual(Buckets?.map((bucket) => bucket.Name), [BUCKET, "second-bucket"]);
    });

    it("records the service", async () => {
      await s3Client(world.sts).send(new ListBucketsCommand({}));

      assert.equal(world.sts.requests[0].service, "s3");
      assert.equal(world.sts.requests[0].action, "ListBuckets");
    });

    it("answers NoSuchKey", async () => {
      await assert.rejects(s3Client(world.sts).send(new GetObjectCommand({ Bucket: BUCKET, Key: "missing" })), (error: Error & { $metadata: { requestId?: string } }) => {
        assert.equal(error.name, "NoSuchKey");
        assert.equal(error.$metadata.requestId, world.sts.requests.at(-1)?.requestId);
        return true;
      });
    });

    it("answers NoSuchBucket", async () => {
      await assert.rejects(s3Client(world.sts).send(new PutObjectCommand({ Bucket: "missing-bucket", Key: "k", Body: "x" })), { name: "NoSuchBucket" });
    });

    it("rejects an unknown key", async () => {
      const s3 = s3Client(world.sts, { accessKeyId: "AKIAUNKNOWN000000001", secretAccessKey: "unknown-secret" });
      await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "InvalidAccessKeyId" });
    });

    it("rejects a wrong secret", async () => {
      const s3 = s3Client(world.sts, { accessKeyId: world.user.accessKeyId, secretAccessKey: "wrong-secret" });
      await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "SignatureDoesNotMatch" });
      assert.equal(world.sts.stats.signatureFailures, 1);
    });

    it("rejects a wrong token", async () => {
      const keys = await session(true);
      const s3 = s3Client(world.sts, { ...keys, sessionToken: `${keys.sessionToken.slice(0, -4)}AAAA` });
      await assert.rejects(s3.send(new ListBucketsCommand({})), { name: "InvalidToken" });
    });

    it("rejects an expired session", async () => {
      const keys = await session(true);
      world.sts.expireSession(keys.accessKeyId);
      await assert.rejects(s3Client(world.sts, keys).send(new ListBucketsCommand({})), { name: "ExpiredToken" });
    });

    it("denies without MFA when told", async () => {
      world.sts.requireMfa(["s3:ListBuckets"]);
      const error = await s3Client(world.sts).send(new ListBucketsCommand({})).catch((caught: Error) => caught);

      assert.equal((error as Error).name, "AccessDenied");
      assert.match((error as Error).message, /not authorized to perform: s3:ListBuckets with an explicit deny/);
    });

    it("allows an MFA session when told", async () => {
      world.sts.requireMfa(["s3:*"]);
      await s3Client(world.sts, (await session(true))).send(new ListBucketsCommand({}));

      assert.equal(world.sts.requests.at(-1)?.status, 200);
    });
  });

  describe("IAM", () => {
    it("lists the account's users", async () => {
      const { Users } = await iamClient(world.sts).send(new ListUsersCommand({}));

      assert.deepEqual(Users?.map((user) => user.Arn), [`arn:aws:iam::${ACCOUNT}:user/alice`]);
      assert.equal(world.sts.requests[0].service, "iam");
    });

    it("gets a named user", async () => {
      const { User } = await iamClient(world.sts).send(new GetUserCommand({ UserName: "alice" }));
      assert.equal(User?.UserName, "alice");
    });

    it("answers NoSuchEntity", async () => {
      await assert.rejects(iamClient(world.sts).send(new GetUserCommand({ UserName: "nobody" })), { name: "NoSuchEntityException" });
    });

    it("denies a session without MFA", async () => {
      const iam = iamClient(world.sts, (await session(false)));
      await assert.rejects(iam.send(new ListUsersCommand({})), { name: "AccessDenied" });
      assert.equal(world.sts.requests.at(-1)?.mfaAuthenticated, false);
    });

    it("accepts a session with MFA", async () => {
      const { User } = await iamClient(world.sts, (await session(true))).send(new GetUserCommand({}));
      assert.equal(User?.Arn, `arn:aws:iam::${ACCOUNT}:user/alice`);
    });
  });
});
