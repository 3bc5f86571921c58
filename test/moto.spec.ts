import assert from "node:assert/strict";

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clearSessionCache, fromMfaSession } from "@mfa-session/credential-provider";
import sinon from "sinon";

import { requirePeer, startMotoServer, type RunningPeer } from "./support/peers.js";

// moto_server logs one line per request it served.
const countPosts = (log: string): number => (log.match(/"POST \/ HTTP\/1\.1" 200/g) ?? []).length;

// moto (5.x) implements STS independently of this project. It does not check MFA codes and
// returns fixed example credentials, but it parses our requests and writes its own responses.
describe("fromMfaSession with moto_server", function () {
  this.timeout(60_000);
  let moto: RunningPeer;

  before(async function () {
    requirePeer(this, "moto_server", "pip install 'moto[server]'");
    moto = await startMotoServer();
  });

  after(async () => {
    await moto?.stop();
  });

  beforeEach(() => clearSessionCache());

  // Each test sends its own code, because the provider never sends one code twice.
  const options = (mfaCodeProvider: () => Promise<string>) => ({
    serialNumber: "arn:aws:iam::123456789012:mfa/alice",
    mfaCodeProvider,
    masterCredentials: { accessKeyId: "AKIAMOTOTEST00000001", secretAccessKey: "moto-test-secret-0000000000000000000000" },
    clientConfig: { region: "eu-west-1", endpoint: moto.endpoint },
    durationSeconds: 3_600,
  });

  it("gets a session with MFA", async () => {
    const mfaCodeProvider = sinon.stub().resolves("111111");
    const credentials = await fromMfaSession(options(mfaCodeProvider))();

    assert.ok(credentials.accessKeyId.length > 0);
    assert.ok(credentials.sessionToken.length > 0);
    assert.ok(credentials.expiration instanceof Date);
    assert.ok(credentials.expiration.getTime() > Date.now());
    assert.equal(mfaCodeProvider.callCount, 1);
  });

  it("serves GetCallerIdentity through a client", async () => {
    const mfaCodeProvider = sinon.stub().resolves("222222");
    const client = new STSClient({
      region: "eu-west-1",
      endpoint: moto.endpoint,
      credentials: fromMfaSession(options(mfaCodeProvider)),
    });

    const postsBefore = countPosts(moto.output());
    const first = await client.send(new GetCallerIdentityCommand({}));
    const second = await client.send(new GetCallerIdentityCommand({}));

    assert.equal(first.Account, "123456789012");
    assert.match(first.Arn ?? "", /^arn:aws:sts::123456789012:/);
    assert.equal(second.Arn, first.Arn);
    assert.equal(mfaCodeProvider.callCount, 1);
    // moto_server writes its log line after sending the response, so the last line may lag.
    const deadline = Date.now() + 3_000;
    while (countPosts(moto.output()) - postsBefore < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(countPosts(moto.output()) - postsBefore, 3, "one GetSessionToken and two GetCallerIdentity requests");
  });
});
