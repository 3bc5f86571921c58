import assert from "node:assert/strict";

import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";

import { startStsLocal, type StsLocal } from "../src/index.js";
import {
  ALICE,
  ALL_USERS,
  afterSigning,
  aliceSession,
  assertServiceError,
  captureSignedRequest,
  rejectionOf,
  sendRaw,
  stsClient,
  withAuthorization,
  type CapturedRequest,
} from "./helpers.js";

/** Flips the last hex digit of the Signature component. */
function tamperSignature(authorization: string): string {
  const last = authorization.at(-1);
  return authorization.slice(0, -1) + (last === "0" ? "1" : "0");
}

describe("authentication", () => {
  let sts: StsLocal;
  let clockMs: number;
  let signed: CapturedRequest;

  beforeEach(async () => {
    clockMs = Date.now();
    sts = await startStsLocal({ users: ALL_USERS, now: () => clockMs });
    signed = await captureSignedRequest(sts, ALICE);
    sts.resetStats();
  });

  afterEach(async () => {
    await sts.stop();
  });

  describe("raw requests", () => {
    it("accepts an unchanged replay", async () => {
      const response = await sendRaw(sts, signed);
      assert.equal(response.status, 200);
      assert.match(response.body, /<Arn>arn:aws:iam::123456789012:user\/alice<\/Arn>/);
    });

    it("rejects a tampered signature", async () => {
      const response = await sendRaw(sts, withAuthorization(signed, tamperSignature));
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
      assert.equal(response.headers["x-amzn-requestid"], sts.requests.at(-1)?.requestId);
      assert.equal(sts.stats.signatureFailures, 1);
    });

    it("rejects a changed body", async () => {
      const response = await sendRaw(sts, { ...signed, body: `${signed.body}&Extra=1` });
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
    });

    it("rejects a changed signed header", async () => {
      const response = await sendRaw(sts, { ...signed, headers: { ...signed.headers, "amz-sdk-request": "attempt=2; max=3" } });
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
    });

    it("rejects a missing Authorization", async () => {
      const response = await sendRaw(sts, withAuthorization(signed, () => undefined));
      assert.equal(response.status, 403);
      assert.equal(response.code, "MissingAuthenticationToken");
      assert.equal(response.message, "Request is missing Authentication Token");
    });

    it("rejects a missing Signature", async () => {
      const response = await sendRaw(sts, withAuthorization(signed, (value) => value.replace(/, Signature=[0-9a-f]+$/, "")));
      assert.equal(response.status, 400);
      assert.equal(response.code, "IncompleteSignature");
      assert.equal(response.message, "Authorization header requires 'Signature' parameter.");
    });

    it("rejects another service", async () => {
      const response = await sendRaw(sts, withAuthorization(signed, (value) => value.replace("/sts/aws4_request", "/iam/aws4_request")));
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
      assert.equal(response.message, "Credential should be scoped to correct service: 'sts'.");
    });

    it("rejects an unknown key", async () => {
      const response = await sendRaw(sts, withAuthorization(signed, (value) => value.replace(ALICE.accessKeyId, "AKIAUNKNOWNEXAMPLE00")));
      assert.equal(response.status, 403);
      assert.equal(response.code, "InvalidClientTokenId");
    });

    it("rejects a wrong content hash", async () => {
      const response = await sendRaw(sts, { ...signed, headers: { ...signed.headers, "x-amz-content-sha256": "0".repeat(64) } });
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
    });

    it("rejects a replay after 15 minutes", async () => {
      clockMs += 15 * 60_000 + 1_000;
      const response = await sendRaw(sts, signed);
      assert.equal(response.status, 403);
      assert.equal(response.code, "SignatureDoesNotMatch");
      assert.match(response.message ?? "", /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/);
    });

    it("rejects a request from the future", async () => {
      clockMs -= 15 * 60_000 + 1_000;
      const response = await sendRaw(sts, signed);
      assert.equal(response.status, 403);
      assert.match(response.message ?? "", /^Signature not yet current: /);
    });

    it("rejects a changed session token", async () => {
      const session = await aliceSession(sts);
      const sessionRequest = await captureSignedRequest(sts, session);
      const response = await sendRaw(sts, {
        ...sessionRequest,
        headers: { ...sessionRequest.headers, "x-amz-security-token": `${session.sessionToken}x` },
      });
      assert.equal(response.status, 403);
      assert.equal(response.code, "InvalidClientTokenId");
    });
  });

  describe("SDK clients", () => {
    it("rejects a tampered signature", async () => {
      const client = stsClient(sts, ALICE);
      afterSigning(client, "tamperSignature", (request) => {
        request.headers.authorization = tamperSignature(request.headers.authorization);
      });
      const error = await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "SignatureDoesNotMatch", 403);
    });

    it("rejects a wrong secret", async () => {
      const error = await rejectionOf(stsClient(sts, { ...ALICE, secretAccessKey: "wrong-secret" }).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "SignatureDoesNotMatch", 403);
      assert.match(error.message, /^The request signature we calculated does not match the signature you provided\./);
    });

    it("rejects an unknown key", async () => {
      const error = await rejectionOf(
        stsClient(sts, { accessKeyId: "AKIAUNKNOWNEXAMPLE00", secretAccessKey: "secret" }).send(new GetCallerIdentityCommand({})),
      );
      assertServiceError(error, sts, "InvalidClientTokenId", 403);
      assert.equal(error.message, "The security token included in the request is invalid.");
    });

    it("rejects a skewed client clock", async () => {
      clockMs += 20 * 60_000;
      const error = await rejectionOf(stsClient(sts, ALICE).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "SignatureDoesNotMatch", 403);
      assert.match(error.message, /^Signature expired: /);
    });

    it("lets the SDK correct its clock", async () => {
      // The SDK reads the server time from the Date header of the error and retries with that offset.
      clockMs += 20 * 60_000;
      const identity = await stsClient(sts, ALICE, 3).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, "123456789012");
      assert.deepEqual(
        sts.requests.map((record) => record.status),
        [403, 200],
      );
    });
  });
});
