import assert from "node:assert/strict";

import { clearSessionCache } from "@mfa-session/credential-provider";
import sinon from "sinon";

import { getMfaSessionPlugin, type MfaSessionPluginOptions } from "../packages/middleware/src/index.js";
import {
  CreateBucketCommand,
  GetCallerIdentityCommand,
  GetObjectCommand,
  GetSessionTokenCommand,
  IAMClient,
  ListBucketsCommand,
  ListUsersCommand,
  PutObjectCommand,
  S3Client,
  STSClient,
} from "../packages/middleware/test/support/fixtures.js";
import { startRecordingProxy, type ProxiedRequest, type RecordingProxy } from "../packages/middleware/test/support/recordingProxy.js";
import { requirePeer, startMotoServer, type RunningPeer } from "./support/peers.js";

const REGION = "eu-west-1";
const BUCKET = "middleware-moto";
const SOURCE = { accessKeyId: "AKIAMOTOMIDDLEWARE01", secretAccessKey: "moto-middleware-secret-000000000000000000" };

// moto (5.x) implements STS, IAM and S3 independently of this project, but it does not report
// which key signed a request and returns fixed example credentials from GetSessionToken. A
// recording proxy in front of it shows the key of each request as it reached moto.
describe("getMfaSessionPlugin with moto_server", function () {
  this.timeout(60_000);
  let moto: RunningPeer;
  let proxy: RecordingProxy;
  let serialCounter = 0;

  before(async function () {
    requirePeer(this, "moto_server", "pip install 'moto[server]'");
    moto = await startMotoServer();
    proxy = await startRecordingProxy(moto.endpoint);
    const s3 = new S3Client({ region: REGION, endpoint: proxy.endpoint, forcePathStyle: true, credentials: SOURCE });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  });

  after(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  beforeEach(() => {
    clearSessionCache();
    proxy.requests.length = 0;
  });

  // A new serial per test, because the provider never sends one code twice for a device.
  const options = (mfaCodeProvider: sinon.SinonStub, extra: Partial<MfaSessionPluginOptions> = {}): MfaSessionPluginOptions => {
    serialCounter += 1;
    return {
      serialNumber: `arn:aws:iam::123456789012:mfa/moto-${serialCounter}`,
      mfaCodeProvider,
      clientConfig: { region: REGION, endpoint: proxy.endpoint },
      durationSeconds: 900,
      ...extra,
    };
  };

  const clients = () => ({
    s3: new S3Client({ region: REGION, endpoint: proxy.endpoint, forcePathStyle: true, credentials: SOURCE }),
    iam: new IAMClient({ region: REGION, endpoint: proxy.endpoint, credentials: SOURCE }),
    sts: new STSClient({ region: REGION, endpoint: proxy.endpoint, credentials: SOURCE }),
  });

  const signedBy = (record: ProxiedRequest | undefined, accessKeyId: string, withToken: boolean): boolean =>
    record !== undefined && record.accessKeyId === accessKeyId && record.sessionToken === withToken;

  it("signs each service as expected", async () => {
    const mfaCodeProvider = sinon.stub().resolves("123456");
    const { s3, iam, sts } = clients();
    const settings = options(mfaCodeProvider);
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, settings));
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, settings));
    sts.middlewareStack.use(getMfaSessionPlugin(sts.config, settings));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "note.txt", Body: "from moto" }));
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "note.txt" }));
    await s3.send(new ListBucketsCommand({}));
    await iam.send(new ListUsersCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    const session = await s3.config.credentials();

    assert.equal(await object.Body?.transformToString(), "from moto");
    assert.equal(mfaCodeProvider.callCount, 1);
    const [sessionRequest, ...others] = proxy.requests;
    assert.equal(sessionRequest.action, "GetSessionToken");
    assert.ok(signedBy(sessionRequest, SOURCE.accessKeyId, false), "the plugin's GetSessionToken was not signed by the source");
    assert.ok(signedBy(others.at(-1), SOURCE.accessKeyId, false), "the client's GetSessionToken was not signed by the source");
    for (const record of others.slice(0, -1)) {
      assert.ok(signedBy(record, session.accessKeyId, true), `${record.service} ${record.method} ${record.path} was not signed by the session`);
    }
    assert.ok(proxy.requests.every((record) => record.status === 200), "moto rejected a request");
  });

  it("keeps the source for IAM without MFA", async () => {
    const mfaCodeProvider = sinon.stub().resolves("123456");
    const { s3, iam } = clients();
    const settings = options(mfaCodeProvider, { serialNumber: undefined, mfaCodeProvider: undefined });
    s3.middlewareStack.use(getMfaSessionPlugin(s3.config, settings));
    iam.middlewareStack.use(getMfaSessionPlugin(iam.config, settings));

    await iam.send(new ListUsersCommand({}));
    await s3.send(new ListBucketsCommand({}));

    const iamRequest = proxy.requests.find((record) => record.service === "iam");
    const s3Request = proxy.requests.find((record) => record.service === "s3");
    assert.ok(signedBy(iamRequest, SOURCE.accessKeyId, false));
    assert.equal(s3Request?.sessionToken, true);
    assert.equal(mfaCodeProvider.callCount, 0);
  });

  it("asks once for five clients", async () => {
    const mfaCodeProvider = sinon.stub().resolves("654321");
    const settings = options(mfaCodeProvider);
    const all = [clients(), clients()];
    const buckets = [all[0].s3, all[1].s3, new S3Client({ region: REGION, endpoint: proxy.endpoint, forcePathStyle: true, credentials: SOURCE })];
    for (const s3 of buckets) {
      s3.middlewareStack.use(getMfaSessionPlugin(s3.config, settings));
    }
    all[0].iam.middlewareStack.use(getMfaSessionPlugin(all[0].iam.config, settings));
    all[0].sts.middlewareStack.use(getMfaSessionPlugin(all[0].sts.config, settings));

    await Promise.all([
      ...buckets.map((s3) => s3.send(new ListBucketsCommand({}))),
      all[0].iam.send(new ListUsersCommand({})),
      all[0].sts.send(new GetCallerIdentityCommand({})),
    ]);

    assert.equal(mfaCodeProvider.callCount, 1);
    assert.equal(proxy.requests.filter((record) => record.action === "GetSessionToken").length, 1);
  });
});
