import assert from "node:assert/strict";

import { GetCallerIdentityCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";
import sinon from "sinon";

import { startStsLocal, type StsLocal } from "../src/index.js";
import { ALICE, ALL_USERS, BOB, ROOT, aliceSession, assertServiceError, rejectionOf, sessionKeys, stsClient } from "./helpers.js";

describe("GetCallerIdentity", () => {
  let sts: StsLocal;

  beforeEach(async () => {
    sts = await startStsLocal({ users: ALL_USERS });
  });

  afterEach(async () => {
    sinon.restore();
    await sts.stop();
  });

  describe("with a long-term key", () => {
    it("returns the user ARN", async () => {
      const identity = await stsClient(sts, ALICE).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/alice");
      assert.equal(identity.Account, "123456789012");
      assert.match(identity.UserId ?? "", /^AIDA[A-Z2-7]{17}$/);
    });

    it("keeps UserId stable", async () => {
      const first = await stsClient(sts, ALICE).send(new GetCallerIdentityCommand({}));
      const other = await startStsLocal({ users: ALL_USERS });
      try {
        const second = await stsClient(other, ALICE).send(new GetCallerIdentityCommand({}));
        assert.equal(second.UserId, first.UserId);
      } finally {
        await other.stop();
      }
    });

    it("gives users distinct ids", async () => {
      const alice = await stsClient(sts, ALICE).send(new GetCallerIdentityCommand({}));
      const bob = await stsClient(sts, BOB).send(new GetCallerIdentityCommand({}));
      assert.notEqual(alice.UserId, bob.UserId);
    });

    it("names users by index by default", async () => {
      const other = await startStsLocal({ users: [{ accessKeyId: "AKIADEFAULTNAME00001", secretAccessKey: "secret" }] });
      try {
        const identity = await stsClient(other, { accessKeyId: "AKIADEFAULTNAME00001", secretAccessKey: "secret" }).send(
          new GetCallerIdentityCommand({}),
        );
        assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/user-0");
      } finally {
        await other.stop();
      }
    });

    it("returns the root identity", async () => {
      const identity = await stsClient(sts, ROOT).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, "arn:aws:iam::111122223333:root");
      assert.equal(identity.UserId, "111122223333");
      assert.equal(identity.Account, "111122223333");
    });

    it("records the request", async () => {
      await stsClient(sts, ALICE).send(new GetCallerIdentityCommand({}));
      const record = sts.requests.at(-1);
      assert.equal(record?.action, "GetCallerIdentity");
      assert.equal(record?.accessKeyId, ALICE.accessKeyId);
      assert.equal(record?.region, "eu-west-1");
      assert.equal(record?.sessionToken, false);
      assert.equal(record?.mfaAuthenticated, undefined);
      assert.equal(record?.status, 200);
      assert.equal(record?.errorCode, undefined);
    });
  });

  describe("with session credentials", () => {
    it("returns the user ARN", async () => {
      const session = await aliceSession(sts);
      const identity = await stsClient(sts, session).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/alice");
    });

    it("records the session key", async () => {
      const session = await aliceSession(sts);
      const identity = await stsClient(sts, session).send(new GetCallerIdentityCommand({}));
      const record = sts.requests.at(-1);
      assert.equal(record?.accessKeyId, session.accessKeyId);
      assert.equal(record?.sessionToken, true);
      assert.equal(record?.mfaAuthenticated, true);
      assert.equal(record?.requestId, identity.$metadata.requestId);
    });

    it("records a session without MFA", async () => {
      const response = await stsClient(sts, BOB).send(new GetSessionTokenCommand({}));
      await stsClient(sts, sessionKeys(response.Credentials)).send(new GetCallerIdentityCommand({}));
      assert.equal(sts.requests.at(-1)?.mfaAuthenticated, false);
    });

    it("rejects a wrong session token", async () => {
      const session = await aliceSession(sts);
      const error = await rejectionOf(stsClient(sts, { ...session, sessionToken: "not-the-token" }).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "InvalidClientTokenId", 403);
      assert.equal(error.message, "The security token included in the request is invalid.");
    });

    it("rejects a missing session token", async () => {
      const session = await aliceSession(sts);
      const error = await rejectionOf(
        stsClient(sts, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(new GetCallerIdentityCommand({})),
      );
      assertServiceError(error, sts, "InvalidClientTokenId", 403);
    });

    it("rejects a token with a long-term key", async () => {
      const session = await aliceSession(sts);
      const error = await rejectionOf(stsClient(sts, { ...ALICE, sessionToken: session.sessionToken }).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "InvalidClientTokenId", 403);
    });

    it("rejects an expired session", async () => {
      // Only Date is faked, so both the SDK signer and the server see the same later time.
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const session = await aliceSession(sts, 900);
      clock.tick(901_000);
      const error = await rejectionOf(stsClient(sts, session).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "ExpiredToken", 403);
      assert.equal(error.message, "The security token included in the request is expired");
    });

    it("accepts a session just before expiry", async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const session = await aliceSession(sts, 900);
      clock.tick(890_000);
      const identity = await stsClient(sts, session).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, "123456789012");
    });

    it("rejects a session that expireSession ended", async () => {
      const session = await aliceSession(sts);
      sts.expireSession(session.accessKeyId);
      const error = await rejectionOf(stsClient(sts, session).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "ExpiredToken", 403);
    });

    it("expires with the session lifetime", async () => {
      let clockMs = Date.now();
      const other = await startStsLocal({ users: ALL_USERS, sessionLifetimeSeconds: 60, now: () => clockMs });
      try {
        const response = await stsClient(other, BOB).send(new GetSessionTokenCommand({}));
        clockMs += 61_000;
        const error = await rejectionOf(stsClient(other, sessionKeys(response.Credentials)).send(new GetCallerIdentityCommand({})));
        assertServiceError(error, other, "ExpiredToken", 403);
      } finally {
        await other.stop();
      }
    });

    it("expireSession rejects an unknown key", () => {
      assert.throws(() => sts.expireSession("ASIAUNKNOWN000000000"), /has issued no session/);
    });
  });
});
