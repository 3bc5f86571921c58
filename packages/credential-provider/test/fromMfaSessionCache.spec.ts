import assert from "node:assert/strict";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";
import sinon from "sinon";

import { isMfaSessionCacheError } from "../src/cacheErrors.js";
import type { MfaSessionCache } from "../src/cacheTypes.js";
import { fileCache, type FileSessionCache } from "../src/fileCache.js";
import { fromMfaSession } from "../src/fromMfaSession.js";
import { clearCachedSessions } from "../src/persistentSessions.js";
import { clearSessionCache, forgetMfaSession } from "../src/sessionCache.js";
import type { FromMfaSessionOptions, MfaCodeContext } from "../src/types.js";
import { captureLogger, resetProviderState, useSharedConfigFile, type CapturingLogger } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/carol";
const TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU";
const SOURCE = { accessKeyId: "AKIACAROL0000000001", secretAccessKey: "carol/planted/source/secret/000000000000" };
const MINUTE = 60_000;

describe(`${fromMfaSession.name} with a persistent cache`, () => {
  let sts: StsLocal;
  let root: string;
  let cache: FileSessionCache;
  let logger: CapturingLogger;
  let codes: string[];
  let mfaCodeProvider: sinon.SinonStub<[string, MfaCodeContext], Promise<string>>;

  useSharedConfigFile("[profile dev]\nregion = eu-west-1\n[profile prod]\nregion = eu-west-1\n");

  beforeEach(async () => {
    sts = await startStsLocal({ users: [{ ...SOURCE, userName: "carol", mfaSerial: SERIAL, totpSecret: TOTP_SECRET }] });
    root = await mkdtemp(join(tmpdir(), "mfa-session-provider-"));
    logger = captureLogger();
    cache = fileCache({ directory: root, logger, lockTimeoutMs: 500 });
    resetProviderState();
    codes = [];
    mfaCodeProvider = sinon.stub<[string, MfaCodeContext], Promise<string>>().callsFake(async () => {
      const code = totpCode(TOTP_SECRET, Date.now());
      codes.push(code);
      return code;
    });
  });

  afterEach(async () => {
    sinon.restore();
    await sts.stop();
    await rm(root, { recursive: true, force: true });
  });

  const provider = (overrides: Partial<FromMfaSessionOptions> = {}) =>
    fromMfaSession({
      serialNumber: SERIAL,
      mfaCodeProvider,
      masterCredentials: SOURCE,
      clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      logger,
      cache,
      ...overrides,
    });

  const onlyKey = async () => {
    const summaries = await cache.list();
    assert.equal(summaries.length, 1);
    return summaries[0].key;
  };

  it("stores the session it obtains", async () => {
    const credentials = await provider({ profile: "dev" })();

    const [summary] = await cache.list();
    assert.equal(summary.profile, "dev");
    assert.equal(summary.serialNumber, SERIAL);
    assert.equal(summary.region, "eu-west-1");
    assert.deepEqual(summary.expiration, credentials.expiration);
  });

  it("uses a stored session without STS or a code", async () => {
    const first = await provider()();
    clearSessionCache();

    const second = await provider()();

    assert.deepEqual(second, first);
    assert.equal(mfaCodeProvider.callCount, 1);
    assert.equal(sts.stats.calls.GetSessionToken, 1);
  });

  it("skips a forgotten stored session", async () => {
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    const first = await provider()();
    forgetMfaSession(first.accessKeyId);
    clock.tick(30_000);

    const second = await provider()();

    assert.notEqual(second.accessKeyId, first.accessKeyId);
    assert.equal(sts.stats.calls.GetSessionToken, 2);
    const [summary] = await cache.list();
    assert.deepEqual(summary?.expiration, second.expiration);
  });

  it("fills the in-memory cache from a file hit", async () => {
    await provider()();
    clearSessionCache();
    await provider()();
    await rm(root, { recursive: true, force: true });

    await provider()();

    assert.equal(mfaCodeProvider.callCount, 1);
    assert.equal(sts.stats.calls.GetSessionToken, 1);
  });

  it("replaces an expired stored session", async () => {
    const first = await provider()();
    const key = await onlyKey();
    await cache.set(key, { credentials: { ...first, expiration: new Date(Date.now() - 1_000) }, region: "eu-west-1" });
    clearSessionCache();
    const clock = sinon.useFakeTimers({ now: Date.now() + 30_000, toFake: ["Date"] });

    const second = await provider()();

    clock.restore();
    assert.notEqual(second.accessKeyId, first.accessKeyId);
    assert.equal(sts.stats.calls.GetSessionToken, 2);
    const stored = await cache.get(key);
    assert.equal(stored?.credentials.accessKeyId, second.accessKeyId);
    assert.equal(stored?.credentials.expiration.getTime(), second.expiration.getTime());
  });

  it("takes a newer session stored by another process", async () => {
    sts.setSessionLifetime(60 * MINUTE / 1000);
    const clock = sinon.useFakeTimers({ now: Date.now(), toFake: ["Date"] });
    const get = provider();
    const first = await get();
    const key = await onlyKey();
    const newer = { ...first, accessKeyId: "ASIANEWER0000000001", expiration: new Date(Date.now() + 107 * MINUTE) };
    await cache.set(key, { credentials: newer, region: "eu-west-1" });
    clock.tick(47 * MINUTE);

    const refreshed = await get();

    assert.equal(refreshed.accessKeyId, "ASIANEWER0000000001");
    assert.equal(mfaCodeProvider.callCount, 1);
  });

  it("fails when another process keeps the lock", async () => {
    const key = JSON.stringify([SOURCE.accessKeyId, SERIAL, 43_200, "eu-west-1", sts.endpoint, null]);
    let release!: () => void;
    const holding = fileCache({ directory: root }).withLock(key, () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));

    await assert.rejects(provider()(), (error: unknown) => isMfaSessionCacheError(error, "CACHE_LOCK_TIMEOUT"));

    assert.equal(mfaCodeProvider.callCount, 0);
    release();
    await holding;
  });

  it("works with a failing cache", async () => {
    const broken: MfaSessionCache = {
      get: async () => Promise.reject(new Error("disk unplugged")),
      set: async () => Promise.reject(new Error("disk unplugged")),
      delete: async () => undefined,
      list: async () => [],
    };

    const credentials = await provider({ cache: broken })();

    assert.match(credentials.accessKeyId, /^ASIA/);
    assert.match(logger.text(), /could not read the session cache \(disk unplugged\)/);
    assert.match(logger.text(), /could not store the session in the session cache \(disk unplugged\)/);
  });

  it("logs no secret", async () => {
    const credentials = await provider({ profile: "dev" })();
    clearSessionCache();
    await provider({ profile: "dev" })();

    const text = logger.text();
    assert.ok(logger.lines.length > 0);
    for (const secret of [SOURCE.secretAccessKey, credentials.secretAccessKey, credentials.sessionToken, ...codes]) {
      assert.ok(!text.includes(secret), "a secret appears in the log");
    }
  });

  describe(clearCachedSessions.name, () => {
    const storeTwoProfiles = async () => {
      await provider({ profile: "dev" })();
      const clock = sinon.useFakeTimers({ now: Date.now() + 30_000, toFake: ["Date"] });
      await provider({ profile: "prod" })();
      clock.restore();
    };

    it("clears one profile", async () => {
      await storeTwoProfiles();

      assert.equal(await clearCachedSessions({ cache, profile: "dev" }), 1);

      assert.deepEqual((await cache.list()).map((summary) => summary.profile), ["prod"]);
    });

    it("clears one key", async () => {
      await storeTwoProfiles();
      const [first] = await cache.list();

      assert.equal(await clearCachedSessions({ cache, key: first.key }), 1);

      assert.equal((await cache.list()).length, 1);
    });

    it("clears everything", async () => {
      await storeTwoProfiles();

      assert.equal(await clearCachedSessions({ cache }), 2);

      assert.deepEqual(await readdir(root), []);
    });

    it("clears the in-memory session too", async () => {
      const get = provider();
      await get();
      await clearCachedSessions({ cache });
      const clock = sinon.useFakeTimers({ now: Date.now() + 30_000, toFake: ["Date"] });

      await get();

      clock.restore();
      assert.equal(mfaCodeProvider.callCount, 2);
    });
  });
});
