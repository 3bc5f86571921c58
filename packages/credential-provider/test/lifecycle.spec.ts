import assert from "node:assert/strict";

import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";
import sinon from "sinon";

import { checkServerClock, MAX_CLOCK_SKEW_MS } from "../src/checkServerClock.js";
import { isMfaSessionError, type MfaSessionError } from "../src/errors.js";
import { fromMfaSession } from "../src/fromMfaSession.js";
import type { FromMfaSessionOptions, MfaCodeContext } from "../src/types.js";
import { fakeStsHandler } from "./fakeStsHandler.js";
import { captureLogger, resetProviderState, type CapturingLogger } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const ROOT_SERIAL = "arn:aws:iam::123456789012:mfa/root-account-mfa-device";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const SOURCE = { accessKeyId: "AKIAALICE00000000001", secretAccessKey: "alice-secret-0000000000000000000000000000" };
const HOUR = 3_600_000;

const totpNow = async (): Promise<string> => totpCode(TOTP_SECRET, Date.now());

const codeStub = () => sinon.stub<[string, MfaCodeContext], Promise<string>>().callsFake(totpNow);

describe("fromMfaSession lifecycle", () => {
  let logger: CapturingLogger;

  beforeEach(() => {
    resetProviderState();
    logger = captureLogger();
  });

  afterEach(() => sinon.restore());

  describe("STS faults", () => {
    let sts: StsLocal;

    beforeEach(async () => {
      sts = await startStsLocal({
        port: 0,
        users: [{ ...SOURCE, userName: "alice", mfaSerial: SERIAL, totpSecret: TOTP_SECRET }],
      });
    });

    afterEach(() => sts.stop());

    const provider = (overrides: Partial<FromMfaSessionOptions> = {}) =>
      fromMfaSession({
        serialNumber: SERIAL,
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
        logger,
        ...overrides,
      });

    it("retries 5xx with one code", async () => {
      sts.failNext(2, { status: 500, code: "InternalFailure", message: "injected" });
      const mfaCodeProvider = codeStub();

      const credentials = await provider({ mfaCodeProvider })();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.equal(mfaCodeProvider.callCount, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 3);
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("retries throttling with one code", async () => {
      sts.failNext(1, { status: 400, code: "Throttling", message: "Rate exceeded" });
      const mfaCodeProvider = codeStub();

      await provider({ mfaCodeProvider })();

      assert.equal(mfaCodeProvider.callCount, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("reports exhausted 5xx retries", async () => {
      sts.failNext(2, { status: 503, code: "ServiceUnavailable", message: "injected outage" });
      const mfaCodeProvider = codeStub();
      const get = provider({
        mfaCodeProvider,
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint, maxAttempts: 2 },
      });

      await assert.rejects(get(), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "STS_REQUEST_FAILED"));
        assert.match(error.message, /ServiceUnavailable \(HTTP 503\)/);
        assert.match(error.message, /request id [0-9a-f-]{36}/);
        assert.match(error.message, /eu-west-1/);
        return true;
      });
      assert.equal(mfaCodeProvider.callCount, 1);
    });

    it("keeps a 15-minute session for 10 minutes", async () => {
      sts.setSessionLifetime(900);
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const mfaCodeProvider = codeStub();
      const get = provider({ mfaCodeProvider, durationSeconds: 900 });

      const first = await get();
      clock.tick(5 * 60_000);
      const second = await get();
      clock.tick(5 * 60_000 + 1_000);
      const third = await get();

      assert.equal(second.accessKeyId, first.accessKeyId);
      assert.notEqual(third.accessKeyId, first.accessKeyId);
      assert.equal(mfaCodeProvider.callCount, 2);
      assert.equal(mfaCodeProvider.secondCall.args[1].reason, "refresh");
    });

    it("logs a shorter session", async () => {
      sts.setSessionLifetime(1_800);

      await provider({ mfaCodeProvider: totpNow, durationSeconds: 7_200 })();

      assert.ok(logger.lines.some((line) => line.level === "info" && /shorter than the 7200 s requested/.test(line.message)));
    });
  });

  describe("clock", () => {
    it("rejects a skewed server clock", async () => {
      const sts = await startStsLocal({
        port: 0,
        now: () => Date.now() + MAX_CLOCK_SKEW_MS + 5 * 60_000,
        users: [{ ...SOURCE, userName: "alice", mfaSerial: SERIAL, totpSecret: TOTP_SECRET }],
      });
      try {
        const get = fromMfaSession({
          serialNumber: SERIAL,
          masterCredentials: SOURCE,
          mfaCodeProvider: async () => totpCode(TOTP_SECRET, Date.now() + MAX_CLOCK_SKEW_MS + 5 * 60_000),
          clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
        });

        await assert.rejects(get(), (error: unknown) => {
          assert.ok(isMfaSessionError(error, "CLOCK_SKEW"));
          assert.match(error.message, /behind the STS server's clock/);
          assert.match(error.message, /NTP/);
          return true;
        });
      } finally {
        await sts.stop();
      }
    });

    it("rejects an already expired session", async () => {
      const { handler } = fakeStsHandler({ expiration: new Date(Date.now() - 60_000) });
      const get = fromMfaSession({
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", requestHandler: handler, maxAttempts: 1 },
      });

      await assert.rejects(get(), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "CLOCK_SKEW"));
        assert.match(error.message, /already past/);
        return true;
      });
    });

    describe(checkServerClock.name, () => {
      const now = Date.parse("2026-01-01T00:00:00Z");

      it("accepts a missing date", () => {
        assert.doesNotThrow(() => checkServerClock(undefined, now));
      });

      it("accepts skew within the limit", () => {
        assert.doesNotThrow(() => checkServerClock(new Date(now - MAX_CLOCK_SKEW_MS), now));
      });

      it("rejects a local clock ahead", () => {
        assert.throws(
          () => checkServerClock(new Date(now - MAX_CLOCK_SKEW_MS - 1_000), now),
          (error: unknown) => isMfaSessionError(error, "CLOCK_SKEW") && /ahead of/.test(error.message),
        );
      });
    });
  });

  describe("root sources", () => {
    const ROOT_KEYS = { accessKeyId: "AKIAROOT000000000001", secretAccessKey: "root-secret-000000000000000000000000000" };
    const OTHER_SERIAL = "arn:aws:iam::123456789012:mfa/root-yubikey";
    let sts: StsLocal;

    beforeEach(async () => {
      sts = await startStsLocal({
        users: [
          { ...ROOT_KEYS, root: true, mfaSerial: OTHER_SERIAL, totpSecret: TOTP_SECRET },
          { ...SOURCE, userName: "alice", mfaSerial: SERIAL, totpSecret: TOTP_SECRET },
        ],
      });
    });

    afterEach(() => sts.stop());

    it("rejects two hours for a root source", async () => {
      const get = fromMfaSession({
        serialNumber: OTHER_SERIAL,
        mfaCodeProvider: totpNow,
        durationSeconds: 7_200,
        masterCredentials: ROOT_KEYS,
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      });

      await assert.rejects(get(), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "DURATION_OUT_OF_RANGE"));
        assert.match(error.message, /belong to the account.s root user, and STS issues root sessions of 900 to 3600 seconds/);
        return true;
      });
      assert.equal(sts.stats.calls.GetCallerIdentity, 1);
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("checks an IAM user once", async () => {
      const options = {
        serialNumber: SERIAL,
        mfaCodeProvider: totpNow,
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      };
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });

      await fromMfaSession({ ...options, durationSeconds: 7_200 })();
      clock.tick(30_000);
      await fromMfaSession({ ...options, durationSeconds: 10_800 })();

      assert.equal(sts.stats.calls.GetCallerIdentity, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("skips the check for short sessions", async () => {
      await fromMfaSession({
        serialNumber: SERIAL,
        mfaCodeProvider: totpNow,
        durationSeconds: 3_600,
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      })();

      assert.equal(sts.stats.calls.GetCallerIdentity ?? 0, 0);
    });
  });

  describe("endpoints and durations", () => {
    const expiration = () => new Date(Date.now() + HOUR);

    it("calls the regional endpoint by default", async () => {
      const { handler, seen } = fakeStsHandler({ expiration: expiration() });

      await fromMfaSession({ masterCredentials: SOURCE, clientConfig: { region: "eu-west-2", requestHandler: handler } })();

      assert.equal(seen[0]?.hostname, "sts.eu-west-2.amazonaws.com");
      assert.match(seen[0]?.authorization ?? "", /\/eu-west-2\/sts\/aws4_request/);
    });

    it("calls the global endpoint when asked", async () => {
      const { handler, seen } = fakeStsHandler({ expiration: expiration() });
      const clientConfig = { region: "eu-west-2", requestHandler: handler, useGlobalEndpoint: true };

      await fromMfaSession({ masterCredentials: SOURCE, clientConfig })();

      assert.equal(seen[0]?.hostname, "sts.amazonaws.com");
      assert.match(seen[0]?.authorization ?? "", /\/us-east-1\/sts\/aws4_request/);
    });

    it("keeps global and regional sessions apart", async () => {
      const { handler, seen } = fakeStsHandler({ expiration: expiration() });
      const clientConfig = { region: "ap-east-1", requestHandler: handler };

      await fromMfaSession({ masterCredentials: SOURCE, clientConfig: { ...clientConfig, useGlobalEndpoint: true } })();
      await fromMfaSession({ masterCredentials: SOURCE, clientConfig })();

      assert.deepEqual(
        seen.map((request) => request.hostname),
        ["sts.amazonaws.com", "sts.ap-east-1.amazonaws.com"],
      );
    });

    it("requests one hour for root", async () => {
      const { handler, seen } = fakeStsHandler({ expiration: expiration() });
      const mfaCodeProvider = async () => "123456";

      await fromMfaSession({
        serialNumber: ROOT_SERIAL,
        mfaCodeProvider,
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", requestHandler: handler },
      })();

      assert.match(seen[0]?.body ?? "", /DurationSeconds=3600/);
    });

    it("rejects two hours for root", async () => {
      const { handler, seen } = fakeStsHandler({ expiration: expiration() });
      const get = fromMfaSession({
        serialNumber: ROOT_SERIAL,
        mfaCodeProvider: async () => "123456",
        durationSeconds: 7_200,
        masterCredentials: SOURCE,
        clientConfig: { region: "eu-west-1", requestHandler: handler },
      });

      await assert.rejects(get(), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "DURATION_OUT_OF_RANGE"));
        assert.match((error as MfaSessionError).message, /900 to 3600 for a root user/);
        return true;
      });
      assert.equal(seen.length, 0);
    });
  });
});
