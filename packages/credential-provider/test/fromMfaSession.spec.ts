import assert from "node:assert/strict";

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";
import sinon from "sinon";

import { isMfaSessionError, type MfaSessionError } from "../src/errors.js";
import { fromMfaSession } from "../src/fromMfaSession.js";
import type { FromMfaSessionOptions, MfaCodeContext, MfaCodeProvider } from "../src/types.js";
import { captureLogger, resetProviderState, useSharedConfigFile, type CapturingLogger } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const SOURCE = { accessKeyId: "AKIAALICE00000000001", secretAccessKey: "alice-secret-0000000000000000000000000000" };
const MINUTE = 60_000;

type CodeStub = sinon.SinonStub<[string, MfaCodeContext], Promise<string>>;

const totpNow = async (): Promise<string> => totpCode(TOTP_SECRET, Date.now());

describe(fromMfaSession.name, () => {
  let sts: StsLocal;
  let logger: CapturingLogger;

  // A new server per test, because STS rejects a code it accepted before, and tests that run
  // within one 30-second step would otherwise send the same TOTP code.
  beforeEach(async () => {
    sts = await startStsLocal({
      port: 0,
      users: [
        { ...SOURCE, userName: "alice", mfaSerial: SERIAL, totpSecret: TOTP_SECRET },
        { accessKeyId: "AKIANOMFA00000000002", secretAccessKey: "nomfa-secret-000000000000000000000000000", userName: "bob" },
      ],
    });
  });

  afterEach(async () => {
    sinon.restore();
    await sts.stop();
  });

  beforeEach(() => {
    resetProviderState();
    logger = captureLogger();
  });

  const codeStub = (): CodeStub => sinon.stub<[string, MfaCodeContext], Promise<string>>().callsFake(totpNow);

  const provider = (overrides: Partial<FromMfaSessionOptions> = {}) =>
    fromMfaSession({
      serialNumber: SERIAL,
      masterCredentials: SOURCE,
      clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      logger,
      ...overrides,
    });

  const stsClient = (credentials: ReturnType<typeof fromMfaSession>) =>
    new STSClient({ region: "eu-west-1", endpoint: sts.endpoint, credentials });

  const rejection = (code: string) => (error: unknown) => {
    assert.ok(isMfaSessionError(error), `expected MfaSessionError, got ${String(error)}`);
    assert.equal((error as MfaSessionError).code, code);
    assert.equal((error as MfaSessionError).tryNextLink, false);
    return true;
  };

  describe("session", () => {
    it("returns STS session credentials", async () => {
      const credentials = await provider({ mfaCodeProvider: totpNow })();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.ok(credentials.sessionToken.length > 0);
      assert.ok(credentials.expiration instanceof Date);
      assert.equal(sts.stats.calls.GetSessionToken, 1);
      assert.equal(sts.stats.codesAccepted, 1);
    });

    it("takes expiration from STS", async () => {
      sts.setSessionLifetime(1_800);
      try {
        const before = Date.now();
        const credentials = await provider({ mfaCodeProvider: totpNow, durationSeconds: 7_200 })();
        const lifetimeMs = credentials.expiration.getTime() - before;
        assert.ok(lifetimeMs <= 1_800_000 + 1_000, `lifetime ${lifetimeMs} ms`);
        assert.ok(lifetimeMs > 1_790_000, `lifetime ${lifetimeMs} ms`);
      } finally {
        sts.setSessionLifetime(undefined);
      }
    });

    it("signs client requests with the session", async () => {
      const client = stsClient(provider({ mfaCodeProvider: totpNow }));
      const identity = await client.send(new GetCallerIdentityCommand({}));

      assert.equal(identity.Arn, "arn:aws:iam::123456789012:user/alice");
      const call = sts.requests.find((record) => record.action === "GetCallerIdentity");
      assert.ok(call);
      assert.match(call.accessKeyId ?? "", /^ASIA/);
      assert.equal(call.sessionToken, true);
      assert.equal(call.status, 200);
      const issue = sts.requests.find((record) => record.action === "GetSessionToken");
      assert.equal(issue?.accessKeyId, SOURCE.accessKeyId);
    });

    it("calls STS without MFA when no serial is set", async () => {
      const credentials = await provider({ serialNumber: undefined })();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.equal(sts.stats.codesAccepted, 0);
    });
  });

  describe("cache and single flight", () => {
    it("shares one STS call among 200 requests", async () => {
      const mfaCodeProvider = codeStub();
      const client = stsClient(provider({ mfaCodeProvider }));

      const results = await Promise.all(
        Array.from({ length: 200 }, () => client.send(new GetCallerIdentityCommand({}))),
      );

      assert.equal(results.length, 200);
      assert.equal(mfaCodeProvider.callCount, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 1);
      assert.equal(sts.stats.calls.GetCallerIdentity, 200);
    });

    it("shares a session among clients", async () => {
      const mfaCodeProvider = codeStub();
      const clients = Array.from({ length: 3 }, () => stsClient(provider({ mfaCodeProvider })));

      await Promise.all(clients.map((client) => client.send(new GetCallerIdentityCommand({}))));
      await Promise.all(clients.map((client) => client.send(new GetCallerIdentityCommand({}))));

      assert.equal(mfaCodeProvider.callCount, 1);
      assert.equal(sts.stats.calls.GetSessionToken, 1);
    });

    it("separates sessions by duration", async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      await provider({ mfaCodeProvider: totpNow, durationSeconds: 3_600 })();
      clock.tick(30_000);
      await provider({ mfaCodeProvider: totpNow, durationSeconds: 7_200 })();

      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("logs cache hits at debug", async () => {
      const get = provider({ mfaCodeProvider: totpNow });
      await get();
      await get();

      assert.ok(logger.lines.some((line) => line.level === "debug" && /using the cached session/.test(line.message)));
    });

    it("delivers a failure to every waiter", async () => {
      sts.failNext(1, { status: 400, code: "InvalidParameterValue", message: "injected failure" });
      const get = provider({ mfaCodeProvider: totpNow, clientConfig: { region: "eu-west-1", endpoint: sts.endpoint, maxAttempts: 1 } });

      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => get()));

      assert.equal(outcomes.filter((outcome) => outcome.status === "rejected").length, 10);
      assert.equal(sts.stats.calls.GetSessionToken, 1);
      const failure = (outcomes[0] as PromiseRejectedResult).reason as MfaSessionError;
      assert.equal(failure.code, "STS_REQUEST_FAILED");
      assert.match(failure.message, /InvalidParameterValue/);
      assert.match(failure.message, /request id/);
    });

    it("tries again after a failure", async () => {
      sts.failNext(1, { status: 400, code: "InvalidParameterValue", message: "injected failure" });
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const get = provider({ mfaCodeProvider: totpNow, clientConfig: { region: "eu-west-1", endpoint: sts.endpoint, maxAttempts: 1 } });

      await assert.rejects(get(), rejection("STS_REQUEST_FAILED"));
      clock.tick(30_000);
      const credentials = await get();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });
  });

  describe("refresh", () => {
    const lifetime = 60 * MINUTE;

    const startSession = async (mfaCodeProvider: MfaCodeProvider) => {
      sts.setSessionLifetime(lifetime / 1000);
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const get = provider({ mfaCodeProvider });
      const first = await get();
      return { clock, get, first };
    };

    afterEach(() => sts.setSessionLifetime(undefined));

    it("reuses the session before the window", async () => {
      const mfaCodeProvider = codeStub();
      const { clock, get, first } = await startSession(mfaCodeProvider);

      clock.tick(lifetime - 16 * MINUTE);
      const second = await get();

      assert.equal(second.accessKeyId, first.accessKeyId);
      assert.equal(mfaCodeProvider.callCount, 1);
    });

    it("refreshes in the advisory window", async () => {
      const mfaCodeProvider = codeStub();
      const { clock, get, first } = await startSession(mfaCodeProvider);

      clock.tick(lifetime - 14 * MINUTE);
      const second = await get();

      assert.notEqual(second.accessKeyId, first.accessKeyId);
      assert.equal(mfaCodeProvider.callCount, 2);
      const context = mfaCodeProvider.secondCall.args[1];
      assert.equal(context.reason, "refresh");
      assert.equal(context.expiration?.getTime(), first.expiration.getTime());
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("keeps the session when an advisory refresh fails", async () => {
      const mfaCodeProvider = codeStub();
      const { clock, get, first } = await startSession(mfaCodeProvider);
      mfaCodeProvider.rejects(new Error("prompt dismissed"));

      clock.tick(lifetime - 14 * MINUTE);
      const second = await get();
      const third = await get();

      assert.equal(second.accessKeyId, first.accessKeyId);
      assert.equal(third.accessKeyId, first.accessKeyId);
      assert.equal(mfaCodeProvider.callCount, 2);
      assert.ok(logger.lines.some((line) => line.level === "warn" && /could not refresh/.test(line.message)));
    });

    it("lets others skip a running advisory refresh", async () => {
      const mfaCodeProvider = codeStub();
      sts.setSessionLifetime(lifetime / 1000);
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const get = provider({ mfaCodeProvider, mfaCodeTimeoutMs: 500 });
      const first = await get();
      mfaCodeProvider.returns(new Promise<string>(() => undefined));

      clock.tick(lifetime - 14 * MINUTE);
      let refreshingCallerDone = false;
      const refreshing = get().finally(() => (refreshingCallerDone = true));
      await new Promise((resolve) => setImmediate(resolve));
      const others = await Promise.all(Array.from({ length: 19 }, () => get()));

      assert.equal(refreshingCallerDone, false);
      assert.ok(others.every((credentials) => credentials.accessKeyId === first.accessKeyId));
      assert.equal((await refreshing).accessKeyId, first.accessKeyId);
      assert.equal(mfaCodeProvider.callCount, 2);
    });

    it("tries an advisory refresh again later", async () => {
      const mfaCodeProvider = codeStub();
      const { clock, get } = await startSession(mfaCodeProvider);
      mfaCodeProvider.onSecondCall().rejects(new Error("prompt dismissed"));

      clock.tick(lifetime - 14 * MINUTE);
      await get();
      clock.tick(61_000);
      await get();

      assert.equal(mfaCodeProvider.callCount, 3);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("fails in the mandatory window", async () => {
      const mfaCodeProvider = codeStub();
      const { clock, get, first } = await startSession(mfaCodeProvider);
      mfaCodeProvider.rejects(new Error("prompt dismissed"));

      clock.tick(lifetime - 9 * MINUTE);

      await assert.rejects(get(), (error: unknown) => {
        rejection("SESSION_REFRESH_FAILED")(error);
        const failure = error as MfaSessionError;
        assert.ok(failure.message.includes(first.expiration.toISOString()));
        assert.match(failure.message, /prompt dismissed/);
        assert.ok(isMfaSessionError(failure.cause, "MFA_CODE_PROVIDER_FAILED"));
        return true;
      });
    });
  });

  describe("codes", () => {
    useSharedConfigFile("[profile dev]\nregion = eu-west-1\n");

    it("asks again after a rejected code", async () => {
      const mfaCodeProvider = codeStub();
      mfaCodeProvider.onFirstCall().resolves("000000");

      const credentials = await provider({ mfaCodeProvider })();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.equal(mfaCodeProvider.callCount, 2);
      assert.equal(mfaCodeProvider.firstCall.args[1].reason, "initial");
      assert.equal(mfaCodeProvider.secondCall.args[1].reason, "retry");
      assert.equal(mfaCodeProvider.secondCall.args[1].attempt, 2);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("gives up after maxCodeAttempts", async () => {
      const wrongCodes = ["000001", "000002", "000003"];
      const mfaCodeProvider = sinon.stub<[string, MfaCodeContext], Promise<string>>();
      wrongCodes.forEach((code, index) => mfaCodeProvider.onCall(index).resolves(code));

      await assert.rejects(provider({ mfaCodeProvider })(), (error: unknown) => {
        rejection("MFA_CODE_REJECTED")(error);
        assert.match((error as Error).message, /clock/);
        assert.ok((error as Error).message.includes(SERIAL));
        return true;
      });
      assert.equal(mfaCodeProvider.callCount, 3);
      assert.equal(sts.stats.calls.GetSessionToken, 3);
    });

    it("re-asks a malformed code locally", async () => {
      const mfaCodeProvider = codeStub();
      mfaCodeProvider.onFirstCall().resolves("12 34 56");

      await provider({ mfaCodeProvider })();

      assert.equal(mfaCodeProvider.secondCall.args[1].reason, "invalid-format");
      assert.equal(sts.stats.calls.GetSessionToken, 1);
    });

    it("fails after malformed codes without STS", async () => {
      await assert.rejects(provider({ mfaCodeProvider: async () => "abc" })(), rejection("MFA_CODE_INVALID_FORMAT"));
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("never sends a code twice", async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      const firstCode = await totpNow();
      await provider({ mfaCodeProvider: async () => firstCode, durationSeconds: 3_600 })();

      const mfaCodeProvider = sinon.stub<[string, MfaCodeContext], Promise<string>>();
      mfaCodeProvider.onFirstCall().resolves(firstCode);
      mfaCodeProvider.onSecondCall().callsFake(async () => {
        clock.tick(30_000);
        return totpNow();
      });
      await provider({ mfaCodeProvider, durationSeconds: 7_200 })();

      assert.equal(mfaCodeProvider.secondCall.args[1].reason, "reused");
      assert.equal(sts.stats.codesReused, 0);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("sends one code per session for concurrent regions", async () => {
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      // Like a TOTP source, it waits for the next step when its last code was already used.
      const nextStepOnReuse: MfaCodeProvider = async (_serial, context) => {
        if (context.reason === "reused") clock.tick(30_000);
        return totpNow();
      };
      const inRegion = (region: string) =>
        provider({ mfaCodeProvider: nextStepOnReuse, clientConfig: { region, endpoint: sts.endpoint } });

      const [west, east] = await Promise.all([inRegion("eu-west-1")(), inRegion("us-west-2")()]);

      assert.notEqual(west.accessKeyId, east.accessKeyId);
      assert.equal(sts.stats.codesReused, 0);
      assert.equal(sts.stats.codesRejected, 0);
      assert.equal(sts.stats.calls.GetSessionToken, 2);
    });

    it("requires mfaCodeProvider with a serial", async () => {
      await assert.rejects(provider({ mfaCodeProvider: undefined, profile: "dev" })(), (error: unknown) => {
        rejection("MFA_CODE_PROVIDER_MISSING")(error);
        assert.match((error as Error).message, /mfaCodeProvider/);
        assert.match((error as Error).message, /profile dev/);
        return true;
      });
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("reports an unknown serial", async () => {
      const otherSerial = "arn:aws:iam::123456789012:mfa/mallory";
      await assert.rejects(provider({ serialNumber: otherSerial, mfaCodeProvider: totpNow })(), (error: unknown) => {
        rejection("MFA_SERIAL_INVALID")(error);
        assert.ok((error as Error).message.includes(otherSerial));
        assert.equal(((error as MfaSessionError).cause as Error).name, "AccessDenied");
        return true;
      });
    });
  });

  describe("source credentials", () => {
    it("rejects session credentials before STS", async () => {
      const get = provider({ mfaCodeProvider: totpNow, masterCredentials: { ...SOURCE, sessionToken: "planted-token" } });

      await assert.rejects(get(), rejection("SOURCE_IS_SESSION"));
      assert.equal(sts.stats.calls.GetSessionToken ?? 0, 0);
    });

    it("reports unknown keys", async () => {
      const get = provider({
        mfaCodeProvider: totpNow,
        masterCredentials: { accessKeyId: "AKIAUNKNOWN000000000", secretAccessKey: "unknown-secret" },
      });

      await assert.rejects(get(), rejection("SOURCE_CREDENTIALS_INVALID"));
    });

    it("accepts a provider function", async () => {
      const masterCredentials = sinon.stub().resolves(SOURCE);
      await provider({ mfaCodeProvider: totpNow, masterCredentials })();

      assert.equal(masterCredentials.callCount, 1);
    });

    it("wraps a failing provider function", async () => {
      const masterCredentials = sinon.stub().rejects(new Error("no keys here"));

      await assert.rejects(provider({ mfaCodeProvider: totpNow, masterCredentials })(), (error: unknown) => {
        rejection("SOURCE_CREDENTIALS_MISSING")(error);
        assert.match((error as Error).message, /no keys here/);
        return true;
      });
    });
  });

  describe("regions", () => {
    afterEach(() => {
      sts.enableRegion("eu-west-1");
      sts.enableRegion("us-east-1");
      delete process.env.AWS_REGION;
    });

    it("uses clientConfig.region", async () => {
      await provider({ mfaCodeProvider: totpNow })();

      assert.equal(sts.requests[0]?.region, "eu-west-1");
      assert.ok(logger.lines.some((line) => /region eu-west-1 from clientConfig.region/.test(line.message)));
    });

    it("uses AWS_REGION before the caller", async () => {
      process.env.AWS_REGION = "eu-west-2";
      const get = provider({ mfaCodeProvider: totpNow, clientConfig: { endpoint: sts.endpoint } });
      await get({ callerClientConfig: { region: async () => "ap-south-1" } });

      assert.equal(sts.requests[0]?.region, "eu-west-2");
      assert.ok(logger.lines.some((line) => /from AWS_REGION/.test(line.message)));
    });

    it("uses the caller client's region", async () => {
      const savedDefault = process.env.AWS_DEFAULT_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      try {
        const client = new STSClient({
          region: "ap-south-1",
          endpoint: sts.endpoint,
          credentials: provider({ mfaCodeProvider: totpNow, clientConfig: { endpoint: sts.endpoint } }),
        });
        await client.send(new GetCallerIdentityCommand({}));
      } finally {
        if (savedDefault !== undefined) process.env.AWS_DEFAULT_REGION = savedDefault;
      }

      const issue = sts.requests.find((record) => record.action === "GetSessionToken");
      assert.equal(issue?.region, "ap-south-1");
    });

    it("falls back when a region is disabled", async () => {
      sts.disableRegion("eu-west-1");
      const mfaCodeProvider = codeStub();

      const credentials = await provider({ mfaCodeProvider })();

      assert.match(credentials.accessKeyId, /^ASIA/);
      assert.equal(mfaCodeProvider.callCount, 1);
      assert.deepEqual(
        sts.requests.map((record) => [record.region, record.errorCode ?? "ok"]),
        [
          ["eu-west-1", "RegionDisabledException"],
          ["us-east-1", "ok"],
        ],
      );
    });

    it("remembers a disabled region", async () => {
      sts.disableRegion("eu-west-1");
      const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
      await provider({ mfaCodeProvider: totpNow, durationSeconds: 3_600 })();
      clock.tick(30_000);
      sts.resetStats();

      await provider({ mfaCodeProvider: totpNow, durationSeconds: 7_200 })();

      assert.deepEqual(
        sts.requests.filter((record) => record.action === "GetSessionToken").map((record) => record.region),
        ["us-east-1"],
      );
    });

    it("lists every region when all are disabled", async () => {
      sts.disableRegion("eu-west-1");
      sts.disableRegion("us-east-1");

      await assert.rejects(provider({ mfaCodeProvider: totpNow })(), (error: unknown) => {
        rejection("STS_REGION_DISABLED")(error);
        const message = (error as Error).message;
        assert.match(message, /eu-west-1: RegionDisabledException/);
        assert.match(message, /us-east-1: RegionDisabledException/);
        assert.match(message, /IAM console/);
        return true;
      });
    });
  });

  describe("secrets", () => {
    it("keeps secrets out of logs and errors", async () => {
      const planted: string[] = [SOURCE.secretAccessKey];
      const messages: string[] = [];
      const recordingCodes: MfaCodeProvider = async () => {
        const code = await totpNow();
        planted.push(code);
        return code;
      };

      const wrong = sinon.stub<[string, MfaCodeContext], Promise<string>>();
      ["135790", "246801", "112233"].forEach((code, index) => {
        planted.push(code);
        wrong.onCall(index).resolves(code);
      });
      await provider({ mfaCodeProvider: wrong, durationSeconds: 1_000 })().catch((error: Error) =>
        messages.push(error.message, String(error.stack)),
      );
      await provider({ mfaCodeProvider: async () => "98765x", durationSeconds: 1_100 })().catch((error: Error) =>
        messages.push(error.message),
      );
      planted.push("98765x");

      const credentials = await provider({ mfaCodeProvider: recordingCodes })();
      planted.push(credentials.secretAccessKey, credentials.sessionToken);
      const client = stsClient(provider({ mfaCodeProvider: recordingCodes }));
      await client.send(new GetCallerIdentityCommand({}));

      const everything = `${logger.text()}\n${messages.join("\n")}`;
      assert.ok(logger.lines.length > 0);
      assert.ok(messages.length > 0);
      for (const secret of planted) {
        assert.ok(!everything.includes(secret), `a planted secret appears in logs or messages`);
      }
    });
  });
});
