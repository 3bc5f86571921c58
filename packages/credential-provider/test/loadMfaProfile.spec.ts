import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { loadSharedConfigFiles, parseKnownFiles } from "@smithy/shared-ini-file-loader";

import { isMfaSessionError } from "../src/errors.js";
import { loadMfaProfile } from "../src/loadMfaProfile.js";

const KEY_ID = "AKIAPROFILE000000001";
const SECRET = "profile-secret-00000000000000000000000";
const SERIAL = "arn:aws:iam::123456789012:mfa/alice";

describe(loadMfaProfile.name, () => {
  let directory: string;
  const saved: Record<string, string | undefined> = {};
  const variables = ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE", "HOME"];

  const writeFiles = (config: string, credentials = "") => {
    writeFileSync(process.env.AWS_CONFIG_FILE!, config);
    writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE!, credentials);
  };

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), "mfa-profile-"));
    for (const name of variables) saved[name] = process.env[name];
    process.env.AWS_CONFIG_FILE = join(directory, "config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(directory, "credentials");
    delete process.env.AWS_PROFILE;
  });

  afterEach(() => {
    for (const name of variables) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(directory, { recursive: true, force: true });
  });

  it("reads mfa_serial without role_arn", async () => {
    writeFiles("", `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\nmfa_serial = ${SERIAL}\n`);

    const profile = await loadMfaProfile();

    assert.equal(profile.profileName, "default");
    assert.equal(profile.serialNumber, SERIAL);
    assert.equal(profile.source?.accessKeyId, KEY_ID);
    assert.equal(profile.source?.secretAccessKey, SECRET);
  });

  it("finds mfa_serial on the source profile", async () => {
    writeFiles(
      `[profile app]\nsource_profile = base\nregion = eu-west-1\n[profile base]\nmfa_serial = ${SERIAL}\n`,
      `[base]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`,
    );

    const profile = await loadMfaProfile({ profile: "app" });

    assert.equal(profile.serialNumber, SERIAL);
    assert.equal(profile.sourceProfileName, "base");
    assert.equal(profile.region, "eu-west-1");
  });

  it("merges both files like the SDK", async () => {
    writeFiles(
      `[profile dev]\nregion = eu-west-2\nmfa_serial = ${SERIAL}\nduration_seconds = 3600\n`,
      `[dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n`,
    );
    const lines: string[] = [];

    const profile = await loadMfaProfile({ profile: "dev", debug: (line) => lines.push(line) });
    const sdk = (await parseKnownFiles({ profile: "dev", ignoreCache: true })).dev!;

    assert.equal(profile.region, sdk.region);
    assert.equal(profile.serialNumber, sdk.mfa_serial);
    assert.equal(profile.durationSeconds, 3_600);
    assert.ok(lines.includes("profile dev: aws_access_key_id from the credentials file."));
    assert.ok(lines.includes("profile dev: mfa_serial from the config file."));
  });

  it("honors AWS_PROFILE", async () => {
    writeFiles(`[profile chosen]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    process.env.AWS_PROFILE = "chosen";

    assert.equal((await loadMfaProfile()).profileName, "chosen");
  });

  it("works with HOME unset", async () => {
    writeFiles(`[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);
    delete process.env.HOME;

    assert.equal((await loadMfaProfile()).source?.accessKeyId, KEY_ID);
  });

  it("reads the package's own keys", async () => {
    writeFiles(
      `[default]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n` +
        `mfa_session_fallback_regions = eu-central-1, us-east-1\nmfa_process = pass otp aws\n` +
        `sts_regional_endpoints = legacy\nendpoint_url = http://127.0.0.1:4566\n`,
    );

    const profile = await loadMfaProfile();

    assert.deepEqual(profile.fallbackRegions, ["eu-central-1", "us-east-1"]);
    assert.equal(profile.mfaProcess, "pass otp aws");
    assert.equal(profile.useGlobalEndpoint, true);
    assert.equal(profile.endpoint, "http://127.0.0.1:4566");
  });

  it("uses its own keys when naming itself", async () => {
    writeFiles(`[profile self]\nsource_profile = self\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\n`);

    assert.equal((await loadMfaProfile({ profile: "self" })).sourceProfileName, "self");
  });

  const oddNames = [".", "+", "a@b", "with-dash_and.dot"];
  for (const name of oddNames) {
    it(`matches the SDK for profile ${name}`, async () => {
      writeFiles(
        `# leading comment\n[profile ${name}]\n; another comment\naws_access_key_id = ${KEY_ID}\n` +
          `aws_secret_access_key = ${SECRET}\nmfa_serial = ${SERIAL} # trailing note\nregion = eu-north-1 ; note\n`,
      );

      const profile = await loadMfaProfile({ profile: name });
      const { configFile } = await loadSharedConfigFiles({ ignoreCache: true });

      assert.equal(profile.serialNumber, configFile[name]?.mfa_serial);
      assert.equal(profile.region, configFile[name]?.region);
      assert.equal(profile.source?.accessKeyId, configFile[name]?.aws_access_key_id);
    });
  }

  describe("errors", () => {
    it("names an unknown profile", async () => {
      writeFiles("[default]\nregion = eu-west-1\n");

      await assert.rejects(loadMfaProfile({ profile: "missing" }), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "PROFILE_NOT_FOUND"));
        assert.match(error.message, /Profile missing was not found/);
        assert.ok(error.message.includes(process.env.AWS_CONFIG_FILE!));
        return true;
      });
    });

    it("ignores inherited names like constructor", async () => {
      writeFiles("[default]\nregion = eu-west-1\n");

      await assert.rejects(loadMfaProfile({ profile: "constructor" }), (error: unknown) =>
        isMfaSessionError(error, "PROFILE_NOT_FOUND"),
      );
    });

    it("rejects a non-numeric duration", async () => {
      writeFiles(`[profile dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\nduration_seconds = abc\n`);

      await assert.rejects(loadMfaProfile({ profile: "dev" }), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "PROFILE_INVALID"));
        assert.match(error.message, /duration_seconds "abc" in profile dev/);
        assert.ok(error.message.includes(process.env.AWS_CONFIG_FILE!));
        return true;
      });
    });

    it("rejects a profile without keys", async () => {
      writeFiles(`[profile empty]\nmfa_serial = ${SERIAL}\n`);

      await assert.rejects(loadMfaProfile({ profile: "empty" }), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "PROFILE_INVALID"));
        assert.match(error.message, /Profile empty has no aws_access_key_id/);
        return true;
      });
    });

    it("reports a source_profile cycle", async () => {
      writeFiles("[profile a]\nsource_profile = b\n[profile b]\nsource_profile = c\n[profile c]\nsource_profile = a\n");

      await assert.rejects(loadMfaProfile({ profile: "a" }), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "PROFILE_INVALID"));
        assert.match(error.message, /a -> b -> c -> a/);
        return true;
      });
    });

    it("reports a missing source profile", async () => {
      writeFiles("[profile app]\nsource_profile = gone\n");

      await assert.rejects(loadMfaProfile({ profile: "app" }), (error: unknown) => {
        assert.ok(isMfaSessionError(error, "PROFILE_NOT_FOUND"));
        assert.match(error.message, /source_profile gone/);
        return true;
      });
    });

    it("keeps the secret out of errors", async () => {
      writeFiles(`[profile dev]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\nduration_seconds = 12x\n`);

      await assert.rejects(loadMfaProfile({ profile: "dev" }), (error: unknown) => {
        assert.ok(!(error as Error).message.includes(SECRET));
        return true;
      });
    });
  });
});
