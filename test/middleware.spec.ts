import assert from "node:assert/strict";

import { fromMfaSession } from "@mfa-session/credential-provider";

import { getMfaSessionPlugin, mfaSessionMiddleware, mfaSessionMiddlewareOptions } from "../packages/middleware/src/index.js";
import {
  ALICE_KEYS,
  BUCKET,
  GetCallerIdentityCommand,
  GetObjectCommand,
  GetSessionTokenCommand,
  GetUserCommand,
  ListBucketsCommand,
  ListUsersCommand,
  PutObjectCommand,
  REGION,
  STSClient,
  iamClient,
  recordsOf,
  s3Client,
  signedBySession,
  signedBySource,
  useWorld,
  stsClient,
} from "../packages/middleware/test/support/fixtures.js";

// Every check of which key signed a request reads sts-local's request records, which its own
// SigV4 verifier fills in: the server side, not the client's view.
describe("getMfaSessionPlugin with sts-local", () => {
  const world = useWorld();

  describe("signing", () => {
    it("signs S3 with the session", async () => {
      const s3 = s3Client(world.sts);
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));

      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "notes/a b.txt", Body: "hello" }));
      const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "notes/a b.txt" }));
      await s3.send(new ListBucketsCommand({}));

      assert.equal(await object.Body?.transformToString(), "hello");
      for (const action of ["PutObject", "GetObject", "ListBuckets"]) {
        assert.ok(signedBySession(recordsOf(world.sts, action)[0]), `${action} not signed by the session`);
      }
      assert.ok(signedBySource(recordsOf(world.sts, "GetSessionToken")[0]));
      assert.equal(world.sts.stats.calls.GetSessionToken, 1);
    });

    it("signs IAM with an MFA session", async () => {
      const iam = iamClient(world.sts);
      iam.middlewareStack.use(getMfaSessionPlugin(iam.config, world.options()));

      const users = await iam.send(new ListUsersCommand({}));
      const user = await iam.send(new GetUserCommand({}));

      assert.deepEqual(users.Users?.map((entry) => entry.UserName), ["alice"]);
      assert.equal(user.User?.Arn, `arn:aws:iam::123456789012:user/alice`);
      assert.ok(signedBySession(recordsOf(world.sts, "ListUsers")[0]));
      assert.equal(recordsOf(world.sts, "ListUsers")[0].mfaAuthenticated, true);
    });

    it("keeps the source for IAM without MFA", async () => {
      const options = world.options({ serialNumber: undefined, mfaCodeProvider: undefined });
      const iam = iamClient(world.sts);
      iam.middlewareStack.use(getMfaSessionPlugin(iam.config, options));
      const s3 = s3Client(world.sts);
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, options));

      await iam.send(new ListUsersCommand({}));
      await s3.send(new ListBucketsCommand({}));

      assert.ok(signedBySource(recordsOf(world.sts, "ListUsers")[0]));
      assert.ok(signedBySession(recordsOf(world.sts, "ListBuckets")[0]));
      assert.equal(recordsOf(world.sts, "ListBuckets")[0].mfaAuthenticated, false);
      assert.equal(world.mfaCodeProvider.callCount, 0);
    });

    it("picks credentials per STS operation", async () => {
      const client = stsClient(world.sts);
      client.middlewareStack.use(getMfaSessionPlugin(client.config, world.options()));

      await client.send(new GetCallerIdentityCommand({}));
      const own = await client.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      await client.send(new GetCallerIdentityCommand({}));

      const identityCalls = recordsOf(world.sts, "GetCallerIdentity");
      const tokenCalls = recordsOf(world.sts, "GetSessionToken");
      assert.ok(identityCalls.every(signedBySession), "GetCallerIdentity not signed by the session");
      assert.ok(tokenCalls.every(signedBySource), "GetSessionToken not signed by the source");
      assert.equal(tokenCalls.length, 2, "one for the plugin's session, one sent by the test");
      assert.match(own.Credentials?.AccessKeyId ?? "", /^ASIA/);
      assert.equal(world.mfaCodeProvider.callCount, 1);
    });

    it("marks the selector memoized", () => {
      const s3 = s3Client(world.sts);
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));

      assert.equal((s3.config.credentials as { memoized?: boolean }).memoized, true);
    });

    it("works through mfaSessionMiddleware", async () => {
      const s3 = s3Client(world.sts);
      s3.middlewareStack.add(mfaSessionMiddleware(s3.config, world.options()), mfaSessionMiddlewareOptions);

      await s3.send(new ListBucketsCommand({}));

      assert.ok(signedBySession(recordsOf(world.sts, "ListBuckets")[0]));
    });
  });

  describe("signing lever", () => {
    // httpSigningMiddleware hands the identity from the handler context to the signer, but the
    // SDK's SigV4 signer builds its own signer from config.credentials.
    it("ignores a context identity alone", async () => {
      const session = await fromMfaSession({ ...world.options(), masterCredentials: ALICE_KEYS })();
      const client = stsClient(world.sts);
      client.middlewareStack.add(
        (next, context) => async (args) => {
          const scheme = (context as { __smithy_context?: { selectedHttpAuthScheme?: { identity: unknown } } }).__smithy_context
            ?.selectedHttpAuthScheme;
          assert.ok(scheme, "no auth scheme selected");
          scheme.identity = session;
          return next(args);
        },
        { step: "build", name: "replaceContextIdentity" },
      );

      await client.send(new GetCallerIdentityCommand({}));

      assert.ok(signedBySource(recordsOf(world.sts, "GetCallerIdentity")[0]));
    });
  });

  describe("applying twice", () => {
    it("replaces the first middleware", async () => {
      const s3 = s3Client(world.sts);
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));

      await s3.send(new ListBucketsCommand({}));

      const names = s3.middlewareStack.identify().filter((entry) => entry.startsWith("mfaSessionMiddleware"));
      assert.equal(names.length, 1);
      assert.ok(signedBySession(recordsOf(world.sts, "ListBuckets")[0]));
      assert.ok(signedBySource(recordsOf(world.sts, "GetSessionToken")[0]));
      assert.equal(world.mfaCodeProvider.callCount, 1);
    });

    it("keeps the STS exceptions", async () => {
      const client = stsClient(world.sts);
      client.middlewareStack.use(getMfaSessionPlugin(client.config, world.options()));
      client.middlewareStack.use(getMfaSessionPlugin(client.config, world.options()));

      await client.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
      await client.send(new GetCallerIdentityCommand({}));

      assert.ok(recordsOf(world.sts, "GetSessionToken").every(signedBySource));
      assert.ok(signedBySession(recordsOf(world.sts, "GetCallerIdentity")[0]));
    });
  });

  describe("shared cache", () => {
    it("asks once for five clients", async () => {
      const buckets = [s3Client(world.sts), s3Client(world.sts), s3Client(world.sts)];
      const iam = iamClient(world.sts);
      const sts = stsClient(world.sts);
      for (const s3 of buckets) {
        s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
      }
      iam.middlewareStack.use(getMfaSessionPlugin(iam.config, world.options()));
      sts.middlewareStack.use(getMfaSessionPlugin(sts.config, world.options()));

      await Promise.all([
        ...buckets.map((s3) => s3.send(new ListBucketsCommand({}))),
        iam.send(new ListUsersCommand({})),
        sts.send(new GetCallerIdentityCommand({})),
      ]);

      assert.equal(world.mfaCodeProvider.callCount, 1);
      assert.equal(world.sts.stats.calls.GetSessionToken, 1);
      const sessionKeys = new Set(world.sts.requests.filter((record) => record.action !== "GetSessionToken").map((record) => record.accessKeyId));
      assert.equal(sessionKeys.size, 1);
    });

    it("shares with fromMfaSession", async () => {
      const s3 = s3Client(world.sts);
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, world.options()));
      const direct = new STSClient({
        region: REGION,
        endpoint: world.sts.endpoint,
        credentials: fromMfaSession({ ...world.options(), masterCredentials: ALICE_KEYS }),
      });

      await s3.send(new ListBucketsCommand({}));
      await direct.send(new GetCallerIdentityCommand({}));

      assert.equal(world.mfaCodeProvider.callCount, 1);
      assert.equal(recordsOf(world.sts, "GetCallerIdentity")[0].accessKeyId, recordsOf(world.sts, "ListBuckets")[0].accessKeyId);
    });
  });
});
