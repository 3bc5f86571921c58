import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startStsLocal, totpCode, type StsLocal } from "@mfa-session/sts-local";

import { isMfaSessionError } from "../src/errors.js";
import { fromMfaSession } from "../src/fromMfaSession.js";
import type { FromMfaSessionOptions } from "../src/types.js";
import { captureLogger, resetProviderState, type CapturingLogger } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/dana";
const TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const KEYS = { accessKeyId: "AKIADANA000000000001", secretAccessKey: "dana-secret-00000000000000000000000000" };

const totpNow = async (): Promise<string> => totpCode(TOTP_SECRET, Date.now());

describe(`${fromMfaSession.name} with a profile`, () => {
  let sts: StsLocal;
  let directory: string;
  let logger: CapturingLogger;
  const saved: Record<string, string | undefined> = {};
  const variables = [
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
  ];

  const writeConfig = (config: string, credentials = "") => {
    writeFileSync(process.env.AWS_CONFIG_FILE!, config);
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, credentials);
  };

  beforeEach(async () => {
    resetProviderState();
    logger = captureLogger();
    sts = await startStsLocal({ users: [{ ...KEYS, userName: "dana", mfaSerial: SERIAL, totpSecret: TOTP_SECRET }] });
    directory = mkdtempSync(join(tmpdir(), "mfa-profile-provider-"));
    for (const name of variables) saved[name] = process.env[name];
    process.env.AWS_CONFIG_FILE = join(directory, "config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, "credentials");
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_SESSION_TOKEN;
  });

  afterEach(async () => {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(directory, { recursive: true, force: true });
    await sts.stop();
  });

  const provider = (overrides: Partial<FromMfaSessionOptions> = {}) =>
    fromMfaSession({ mfaCodeProvider: totpNow, clientConfig: { endpoint: sts.endpoint }, logger, ...overrides });

  it("uses mfa_serial of an IAM-user profile", async () => {
    writeConfig(
      "[default]\nregion = eu-central-1\n",
      `[default]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\nmfa_serial = ${SERIAL}\n`,
    );

    const credentials = await provider({ profile: "default" })();

    assert.match(credentials.accessKeyId, /^ASIA/);
    assert.equal(sts.stats.codesAccepted, 1);
    assert.equal(sts.requests[0]?.region, "eu-central-1");
    assert.equal(sts.requests[0]?.accessKeyId, KEYS.accessKeyId);
    assert.ok(logger.lines.some((line) => /region eu-central-1 from profile/.test(line.message)));
  });

  it("sends duration_seconds from the profile", async () => {
    sts.setSessionLifetime(undefined);
    writeConfig(
      `[profile dev]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n` +
        `mfa_serial = ${SERIAL}\nduration_seconds = 3600\nregion = eu-west-1\n`,
    );
    const before = Date.now();

    const credentials = await provider({ profile: "dev" })();

    const lifetimeMs = credentials.expiration.getTime() - before;
    assert.ok(lifetimeMs <= 3_601_000, `lifetime ${lifetimeMs} ms`);
    assert.ok(lifetimeMs > 3_590_000, `lifetime ${lifetimeMs} ms`);
  });

  it("lets explicit options win", async () => {
    writeConfig(
      `[profile dev]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n` +
        `mfa_serial = arn:aws:iam::123456789012:mfa/someone-else\nregion = eu-west-1\n`,
    );

    await provider({ profile: "dev", serialNumber: SERIAL, clientConfig: { endpoint: sts.endpoint, region: "us-west-2" } })();

    assert.equal(sts.stats.codesAccepted, 1);
    assert.equal(sts.requests[0]?.region, "us-west-2");
  });

  it("ranks the profile region before AWS_REGION", async () => {
    process.env.AWS_REGION = "ap-south-1";
    writeConfig(`[profile dev]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\nmfa_serial = ${SERIAL}\nregion = eu-west-3\n`);

    await provider({ profile: "dev" })();

    assert.equal(sts.requests[0]?.region, "eu-west-3");
  });

  it("takes settings only with masterCredentials", async () => {
    writeConfig(`[profile settings-only]\nmfa_serial = ${SERIAL}\nregion = eu-west-1\n`);

    await provider({ profile: "settings-only", masterCredentials: KEYS })();

    assert.equal(sts.stats.codesAccepted, 1);
  });

  it("reads the default profile when nothing is set", async () => {
    process.env.AWS_ACCESS_KEY_ID = KEYS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = KEYS.secretAccessKey;
    writeConfig(`[default]\nmfa_serial = ${SERIAL}\nregion = eu-north-1\n`);

    await provider()();

    assert.equal(sts.stats.codesAccepted, 1);
    assert.equal(sts.requests[0]?.region, "eu-north-1");
    assert.equal(sts.requests[0]?.accessKeyId, KEYS.accessKeyId);
  });

  // The SDK's default chain skips environment keys when AWS_PROFILE is set, so the keys are in the profile.
  it("reads AWS_PROFILE when nothing is set", async () => {
    process.env.AWS_PROFILE = "work";
    writeConfig(
      `[profile work]\nmfa_serial = ${SERIAL}\n`,
      `[work]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
    );

    await provider({ clientConfig: { endpoint: sts.endpoint, region: "eu-west-1" } })();

    assert.equal(sts.stats.codesAccepted, 1);
  });

  it("warns when a code source has no serial", async () => {
    process.env.AWS_ACCESS_KEY_ID = KEYS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = KEYS.secretAccessKey;
    writeConfig("[default]\nregion = eu-west-1\n");

    await provider()();

    assert.equal(sts.stats.codesAccepted, 0);
    assert.ok(logger.lines.some((line) => line.level === "warn" && /no serialNumber was given/.test(line.message)));
  });

  it("warns that role_arn is ignored", async () => {
    writeConfig(
      `[profile role]\nrole_arn = arn:aws:iam::123456789012:role/admin\nsource_profile = base\nmfa_serial = ${SERIAL}\n` +
        `[profile base]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\n`,
    );

    await provider({ profile: "role", clientConfig: { endpoint: sts.endpoint, region: "eu-west-1" } })();

    assert.ok(logger.lines.some((line) => line.level === "warn" && /role_arn, which is ignored/.test(line.message)));
  });

  it("reports a missing profile, then rereads", async () => {
    writeConfig("[profile other]\nregion = eu-west-1\n");
    const get = provider({ profile: "late" });

    await assert.rejects(get(), (error: unknown) => isMfaSessionError(error, "PROFILE_NOT_FOUND"));
    writeConfig(`[profile late]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\nmfa_serial = ${SERIAL}\n`);
    const credentials = await get();

    assert.match(credentials.accessKeyId, /^ASIA/);
  });
});
