import assert from "node:assert/strict";

import { GetCallerIdentityCommand, GetSessionTokenCommand } from "@aws-sdk/client-sts";

import { startStsLocal, totpCode, type StsLocal, type StsLocalLogger } from "../src/index.js";
import {
  ALICE,
  ALL_USERS,
  BOB,
  assertServiceError,
  beforeSigning,
  captureSignedRequest,
  elementText,
  rejectionOf,
  sendRaw,
  stsClient,
  type CapturedRequest,
} from "./helpers.js";

const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

describe("startStsLocal", () => {
  let sts: StsLocal;

  beforeEach(async () => {
    sts = await startStsLocal({ users: ALL_USERS });
  });

  afterEach(async () => {
    await sts.stop();
  });

  describe("failNext", () => {
    it("injects a 500 InternalFailure", async () => {
      sts.failNext(1, { status: 500, code: "InternalFailure", message: "Injected failure" });
      const error = await rejectionOf(stsClient(sts, BOB).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "InternalFailure", 500);
      assert.equal(error.$fault, "server");
    });

    it("injects Throttling", async () => {
      sts.failNext(1, { status: 400, code: "Throttling", message: "Rate exceeded" });
      const error = await rejectionOf(stsClient(sts, BOB).send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "Throttling", 400);
      assert.equal(error.message, "Rate exceeded");
    });

    it("fails only the next N requests", async () => {
      sts.failNext(2, { status: 500, code: "InternalFailure", message: "Injected failure" });
      const client = stsClient(sts, BOB);
      await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      const identity = await client.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Account, "123456789012");
    });

    it("lets the SDK retry", async () => {
      sts.failNext(1, { status: 500, code: "InternalFailure", message: "Injected failure" });
      const identity = await stsClient(sts, BOB, 3).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.$metadata.attempts, 2);
    });

    it("runs before the MFA check", async () => {
      const code = totpCode(ALICE.totpSecret, Date.now());
      sts.failNext(1, { status: 500, code: "InternalFailure", message: "Injected failure" });
      const client = stsClient(sts, ALICE);
      await rejectionOf(client.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: code })));
      const response = await client.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: code }));
      assert.ok(response.Credentials?.AccessKeyId);
    });

    it("counts the failed call", async () => {
      sts.failNext(1, { status: 500, code: "InternalFailure", message: "Injected failure" });
      await rejectionOf(stsClient(sts, BOB).send(new GetCallerIdentityCommand({})));
      assert.deepEqual(sts.stats.calls, { GetCallerIdentity: 1 });
      assert.equal(sts.requests.at(-1)?.errorCode, "InternalFailure");
    });

    it("rejects a negative count", () => {
      assert.throws(() => sts.failNext(-1, { status: 500, code: "InternalFailure", message: "x" }), RangeError);
    });

    it("rejects a success status", () => {
      assert.throws(() => sts.failNext(1, { status: 200, code: "Ok", message: "x" }), RangeError);
    });
  });

  describe("response XML", () => {
    let signed: CapturedRequest;

    beforeEach(async () => {
      signed = await captureSignedRequest(sts, BOB);
    });

    it("wraps a result in STS shape", async () => {
      const response = await sendRaw(sts, signed);
      const requestId = response.headers["x-amzn-requestid"];
      assert.equal(
        response.body,
        `<GetCallerIdentityResponse xmlns="${STS_NAMESPACE}"><GetCallerIdentityResult>` +
          `<Arn>arn:aws:iam::123456789012:user/bob</Arn><UserId>${elementText(response.body, "UserId")}</UserId>` +
          `<Account>123456789012</Account></GetCallerIdentityResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });

    it("sends text/xml", async () => {
      const response = await sendRaw(sts, signed);
      assert.equal(response.headers["content-type"], "text/xml");
    });

    it("sends a UUID request id", async () => {
      const response = await sendRaw(sts, signed);
      assert.match(String(response.headers["x-amzn-requestid"]), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it("wraps a client error as Sender", async () => {
      sts.failNext(1, { status: 403, code: "AccessDenied", message: "a < b & c" });
      const response = await sendRaw(sts, signed);
      const requestId = response.headers["x-amzn-requestid"];
      assert.equal(
        response.body,
        `<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>Sender</Type><Code>AccessDenied</Code>` +
          `<Message>a &lt; b &amp; c</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      );
    });

    it("marks a server error as Receiver", async () => {
      sts.failNext(1, { status: 503, code: "ServiceUnavailable", message: "Injected" });
      const response = await sendRaw(sts, signed);
      assert.equal(elementText(response.body, "Type"), "Receiver");
    });

    it("dates responses by the server clock", async () => {
      const fixedMs = Date.UTC(2030, 0, 2, 3, 4, 5);
      const other = await startStsLocal({ users: ALL_USERS, now: () => fixedMs });
      try {
        const response = await sendRaw(other, signed);
        assert.equal(response.headers.date, "Wed, 02 Jan 2030 03:04:05 GMT");
      } finally {
        await other.stop();
      }
    });
  });

  describe("HTTP requests", () => {
    let signed: CapturedRequest;

    beforeEach(async () => {
      signed = await captureSignedRequest(sts, BOB);
    });

    it("rejects GET", async () => {
      const response = await sendRaw(sts, { ...signed, method: "GET", body: "" });
      assert.equal(response.status, 400);
      assert.equal(response.code, "InvalidRequest");
      assert.match(response.message ?? "", /only POST requests, but this request used GET/);
    });

    it("rejects another path", async () => {
      const response = await sendRaw(sts, { ...signed, path: "/other" });
      assert.equal(response.status, 400);
      assert.match(response.message ?? "", /only at path \/, but this request used \/other/);
    });

    it("rejects a JSON body", async () => {
      const response = await sendRaw(sts, { ...signed, headers: { ...signed.headers, "content-type": "application/json" } });
      assert.equal(response.status, 400);
      assert.match(response.message ?? "", /Content-Type 'application\/json'/);
    });

    it("rejects a missing Action", async () => {
      const response = await sendRaw(sts, { ...signed, body: "Version=2011-06-15" });
      assert.equal(response.status, 400);
      assert.equal(response.code, "MissingAction");
    });

    it("rejects a large body", async () => {
      const response = await sendRaw(sts, { ...signed, body: `${signed.body}&Padding=${"x".repeat(70_000)}` });
      assert.equal(response.status, 413);
    });

    it("rejects an unknown action", async () => {
      const client = stsClient(sts, BOB);
      beforeSigning(client, (body) => body.replace("Action=GetCallerIdentity", "Action=AssumeRoot"));
      const error = await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "InvalidAction", 400);
      assert.match(error.message, /^Could not find operation AssumeRoot for version 2011-06-15\./);
    });

    it("rejects another API version", async () => {
      const client = stsClient(sts, BOB);
      beforeSigning(client, (body) => body.replace("Version=2011-06-15", "Version=2010-01-01"));
      const error = await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "InvalidAction", 400);
    });

    it("rejects a missing version", async () => {
      const client = stsClient(sts, BOB);
      beforeSigning(client, (body) => body.replace("&Version=2011-06-15", ""));
      const error = await rejectionOf(client.send(new GetCallerIdentityCommand({})));
      assertServiceError(error, sts, "MissingParameter", 400);
    });
  });

  describe("controls", () => {
    it("resetStats zeroes the same objects", async () => {
      const { stats, requests } = sts;
      await stsClient(sts, BOB).send(new GetCallerIdentityCommand({}));
      sts.resetStats();
      assert.equal(stats, sts.stats);
      assert.deepEqual(stats.calls, {});
      assert.equal(requests.length, 0);
    });

    it("binds to 127.0.0.1", () => {
      assert.match(sts.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("stop is idempotent", async () => {
      await sts.stop();
      await sts.stop();
    });

    it("stop refuses new connections", async () => {
      await stsClient(sts, BOB).send(new GetCallerIdentityCommand({}));
      await sts.stop();
      const error = await rejectionOf(stsClient(sts, BOB).send(new GetCallerIdentityCommand({})));
      assert.equal((error as unknown as { code?: string }).code, "ECONNREFUSED");
    });

    it("logs requests without secrets", async () => {
      const lines: string[] = [];
      const logger: StsLocalLogger = { info: (line) => lines.push(line), error: (line) => lines.push(line) };
      const other = await startStsLocal({ users: ALL_USERS, logger });
      try {
        const code = totpCode(ALICE.totpSecret, Date.now());
        const response = await stsClient(other, ALICE).send(
          new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: code }),
        );
        const text = lines.join("\n");
        assert.match(text, /GetSessionToken key=AKIAALICEEXAMPLE0001 region=eu-west-1 status=200/);
        assert.doesNotMatch(text, new RegExp(code));
        assert.ok(!text.includes(ALICE.secretAccessKey), "log contains the secret key");
        assert.ok(!text.includes(response.Credentials!.SessionToken!), "log contains the session token");
      } finally {
        await other.stop();
      }
    });
  });

  describe("options", () => {
    it("rejects duplicate keys", async () => {
      await assert.rejects(startStsLocal({ users: [BOB, BOB] }), /already used by another user/);
    });

    it("rejects a TOTP secret without serial", async () => {
      await assert.rejects(startStsLocal({ users: [{ ...BOB, totpSecret: "JBSWY3DP" }] }), /users\[0\]\.mfaSerial is missing/);
    });

    it("rejects an invalid TOTP secret", async () => {
      await assert.rejects(
        startStsLocal({ users: [{ ...BOB, mfaSerial: "arn:aws:iam::123456789012:mfa/bob", totpSecret: "not base32!" }] }),
        /users\[0\]\.totpSecret/,
      );
    });

    it("rejects a short account id", async () => {
      await assert.rejects(startStsLocal({ users: [{ ...BOB, account: "1234" }] }), /expected 12 digits/);
    });

    it("rejects an ASIA user key", async () => {
      await assert.rejects(startStsLocal({ users: [{ ...BOB, accessKeyId: "ASIABOBEXAMPLE000002" }] }), /ASIA keys are session keys/);
    });

    it("rejects a zero session lifetime", async () => {
      await assert.rejects(startStsLocal({ users: [BOB], sessionLifetimeSeconds: 0 }), RangeError);
    });

    it("rejects a port in use", async () => {
      const port = Number(new URL(sts.endpoint).port);
      await assert.rejects(startStsLocal({ users: [BOB], port }), /EADDRINUSE/);
    });
  });
});
