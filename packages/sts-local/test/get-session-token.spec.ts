import assert from "node:assert/strict";

import { GetSessionTokenCommand } from "@aws-sdk/client-sts";

import { startStsLocal, totpCode, type StsLocal } from "../src/index.js";
import {
  ALICE,
  ALL_USERS,
  BOB,
  ROOT,
  aliceSession,
  assertServiceError,
  rejectionOf,
  stsClient,
  wrongCode,
} from "./helpers.js";

describe("GetSessionToken", () => {
  let sts: StsLocal;
  // The server clock. Tests move it in whole TOTP steps, staying well inside the 15-minute signing window.
  let clockMs: number;

  beforeEach(async () => {
    clockMs = Date.now();
    sts = await startStsLocal({ users: ALL_USERS, now: () => clockMs });
  });

  afterEach(async () => {
    await sts.stop();
  });

  /** Asserts that `expiration` is `seconds` after `startMs`, less the milliseconds that STS drops. */
  function assertLifetime(expiration: Date | undefined, startMs: number, seconds: number): void {
    const lifetimeMs = (expiration?.getTime() ?? 0) - startMs;
    assert.ok(lifetimeMs <= seconds * 1000, `lifetime ${lifetimeMs} ms is longer than ${seconds} s`);
    assert.ok(lifetimeMs > (seconds - 1) * 1000, `lifetime ${lifetimeMs} ms is shorter than ${seconds - 1} s`);
  }

  function requestWithCode(tokenCode: string, serialNumber: string = ALICE.mfaSerial, durationSeconds?: number) {
    return stsClient(sts, ALICE).send(
      new GetSessionTokenCommand({ SerialNumber: serialNumber, TokenCode: tokenCode, DurationSeconds: durationSeconds }),
    );
  }

  describe("with a valid code", () => {
    it("returns ASIA credentials", async () => {
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs));
      const credentials = response.Credentials;
      assert.match(credentials?.AccessKeyId ?? "", /^ASIA[A-Z0-9]{16}$/);
      assert.equal(credentials?.SecretAccessKey?.length, 40);
      assert.ok((credentials?.SessionToken?.length ?? 0) > 100, "session token is long and opaque");
      assert.ok(credentials?.Expiration instanceof Date, "Expiration is parsed as a Date");
    });

    it("defaults to 43200 seconds", async () => {
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs));
      assertLifetime(response.Credentials?.Expiration, clockMs, 43_200);
    });

    it("honours DurationSeconds", async () => {
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs), ALICE.mfaSerial, 900);
      assertLifetime(response.Credentials?.Expiration, clockMs, 900);
    });

    it("counts the accepted code", async () => {
      await requestWithCode(totpCode(ALICE.totpSecret, clockMs));
      assert.equal(sts.stats.codesAccepted, 1);
      assert.deepEqual(sts.stats.calls, { GetSessionToken: 1 });
    });

    it("accepts the previous step", async () => {
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs - 30_000));
      assert.ok(response.Credentials?.AccessKeyId);
    });

    it("accepts the next step", async () => {
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs + 30_000));
      assert.ok(response.Credentials?.AccessKeyId);
    });

    it("accepts the code of a later step", async () => {
      await requestWithCode(totpCode(ALICE.totpSecret, clockMs));
      clockMs += 30_000;
      const response = await requestWithCode(totpCode(ALICE.totpSecret, clockMs));
      assert.ok(response.Credentials?.AccessKeyId);
    });
  });

  describe("MFA failures", () => {
    it("rejects a wrong code", async () => {
      const error = await rejectionOf(requestWithCode(wrongCode(ALICE.totpSecret, clockMs)));
      assertServiceError(error, sts, "AccessDenied", 403);
      assert.equal(error.message, "MultiFactorAuthentication failed with invalid MFA one time pass code. ");
      assert.equal(sts.stats.codesRejected, 1);
    });

    it("rejects a code two steps old", async () => {
      const error = await rejectionOf(requestWithCode(totpCode(ALICE.totpSecret, clockMs - 60_000)));
      assertServiceError(error, sts, "AccessDenied", 403);
    });

    it("rejects a reused code", async () => {
      const code = totpCode(ALICE.totpSecret, clockMs);
      await requestWithCode(code);
      const error = await rejectionOf(requestWithCode(code));
      assertServiceError(error, sts, "AccessDenied", 403);
      assert.equal(error.message, "MultiFactorAuthentication failed with invalid MFA one time pass code. ");
      assert.equal(sts.stats.codesReused, 1);
      assert.equal(sts.stats.codesRejected, 0);
    });

    it("rejects reuse in the next step", async () => {
      // The code stays inside the window for one more step, and is still used up there.
      const code = totpCode(ALICE.totpSecret, clockMs);
      await requestWithCode(code);
      clockMs += 30_000;
      const error = await rejectionOf(requestWithCode(code));
      assertServiceError(error, sts, "AccessDenied", 403);
    });

    it("rejects a wrong serial", async () => {
      const error = await rejectionOf(requestWithCode(totpCode(ALICE.totpSecret, clockMs), "arn:aws:iam::123456789012:mfa/mallory"));
      assertServiceError(error, sts, "AccessDenied", 403);
      assert.equal(
        error.message,
        "MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.",
      );
    });

    it("rejects MFA for a user without a device", async () => {
      const error = await rejectionOf(
        stsClient(sts, BOB).send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: totpCode(ALICE.totpSecret, clockMs) })),
      );
      assertServiceError(error, sts, "AccessDenied", 403);
    });

    it("rejects a code without a serial", async () => {
      const error = await rejectionOf(stsClient(sts, ALICE).send(new GetSessionTokenCommand({ TokenCode: "123456" })));
      assertServiceError(error, sts, "MissingParameter", 400);
      assert.match(error.message, /parameter SerialNumber/);
    });

    it("rejects a serial without a code", async () => {
      const error = await rejectionOf(stsClient(sts, ALICE).send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial })));
      assertServiceError(error, sts, "MissingParameter", 400);
      assert.match(error.message, /parameter TokenCode/);
    });

    it("rejects a five-digit code", async () => {
      const error = await rejectionOf(requestWithCode("12345"));
      assertServiceError(error, sts, "ValidationError", 400);
      assert.equal(
        error.message,
        "1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
      );
    });

    it("never echoes a code", async () => {
      const error = await rejectionOf(requestWithCode("12a456"));
      assertServiceError(error, sts, "ValidationError", 400);
      assert.doesNotMatch(error.message, /12a456/);
    });
  });

  describe("durations", () => {
    it("rejects 899 seconds", async () => {
      const error = await rejectionOf(stsClient(sts, BOB).send(new GetSessionTokenCommand({ DurationSeconds: 899 })));
      assertServiceError(error, sts, "ValidationError", 400);
      assert.equal(
        error.message,
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
      );
    });

    it("rejects 129601 seconds", async () => {
      const error = await rejectionOf(stsClient(sts, BOB).send(new GetSessionTokenCommand({ DurationSeconds: 129_601 })));
      assertServiceError(error, sts, "ValidationError", 400);
      assert.match(error.message, /Member must have value less than or equal to 129600$/);
    });

    it("does not consume a code on a bad duration", async () => {
      const code = totpCode(ALICE.totpSecret, clockMs);
      await rejectionOf(requestWithCode(code, ALICE.mfaSerial, 100));
      const response = await requestWithCode(code);
      assert.ok(response.Credentials?.AccessKeyId);
    });

    it("issues a session without MFA", async () => {
      const response = await stsClient(sts, BOB).send(new GetSessionTokenCommand({}));
      assert.match(response.Credentials?.AccessKeyId ?? "", /^ASIA/);
    });

    it("caps root sessions at one hour", async () => {
      const response = await stsClient(sts, ROOT).send(
        new GetSessionTokenCommand({ DurationSeconds: 7200, SerialNumber: ROOT.mfaSerial, TokenCode: totpCode(ROOT.totpSecret, clockMs) }),
      );
      assertLifetime(response.Credentials?.Expiration, clockMs, 3_600);
    });

    it("defaults root to one hour", async () => {
      const response = await stsClient(sts, ROOT).send(new GetSessionTokenCommand({}));
      assertLifetime(response.Credentials?.Expiration, clockMs, 3_600);
    });

    it("applies the session lifetime", async () => {
      sts.setSessionLifetime(120);
      const response = await stsClient(sts, BOB).send(new GetSessionTokenCommand({ DurationSeconds: 3600 }));
      assertLifetime(response.Credentials?.Expiration, clockMs, 120);
    });

    it("removes the session lifetime", async () => {
      sts.setSessionLifetime(120);
      sts.setSessionLifetime(undefined);
      const response = await stsClient(sts, BOB).send(new GetSessionTokenCommand({ DurationSeconds: 3600 }));
      const lifetimeMs = response.Credentials!.Expiration!.getTime() - clockMs;
      assert.ok(lifetimeMs > 3_599_000, `lifetime ${lifetimeMs} ms`);
    });
  });

  describe("session credentials", () => {
    it("cannot call GetSessionToken", async () => {
      const session = await aliceSession(sts);
      const error = await rejectionOf(stsClient(sts, session).send(new GetSessionTokenCommand({})));
      assertServiceError(error, sts, "AccessDenied", 403);
      assert.equal(error.message, "Cannot call GetSessionToken with session credentials");
    });
  });

  describe("disabled region", () => {
    it("rejects with RegionDisabledException", async () => {
      sts.disableRegion("eu-west-1");
      const error = await rejectionOf(requestWithCode(totpCode(ALICE.totpSecret, clockMs)));
      assertServiceError(error, sts, "RegionDisabledException", 403);
      assert.equal(
        error.message,
        "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.",
      );
    });

    it("does not consume the code", async () => {
      const code = totpCode(ALICE.totpSecret, clockMs);
      sts.disableRegion("eu-west-1");
      await rejectionOf(requestWithCode(code));
      sts.enableRegion("eu-west-1");
      const response = await requestWithCode(code);
      assert.ok(response.Credentials?.AccessKeyId);
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("applies the disabledRegions option", async () => {
      const other = await startStsLocal({ users: ALL_USERS, disabledRegions: ["eu-west-1"] });
      try {
        const error = await rejectionOf(stsClient(other, BOB).send(new GetSessionTokenCommand({})));
        assertServiceError(error, other, "RegionDisabledException", 403);
      } finally {
        await other.stop();
      }
    });
  });
});
