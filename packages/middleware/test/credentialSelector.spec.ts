import assert from "node:assert/strict";

import type { AwsCredentialIdentityProvider } from "@smithy/types";

import { getMfaSessionPlugin, type MfaSessionPluginConfig } from "../src/index.js";

const SOURCE_A = { accessKeyId: "AKIASOURCEA000000001", secretAccessKey: "source-a-secret" };
const SOURCE_B = { accessKeyId: "AKIASOURCEB000000002", secretAccessKey: "source-b-secret" };

// In step-up mode a lookup outside any request returns the source credentials, so these tests
// see which provider is the source without obtaining a session.
const stepUpOptions = {
  mode: "on-access-denied" as const,
  serialNumber: "arn:aws:iam::123456789012:mfa/alice",
  mfaCodeProvider: async () => "123456",
};

const configWith = (credentials: AwsCredentialIdentityProvider): MfaSessionPluginConfig => ({ credentials });

describe("credential selector", () => {
  it("uses the previous credentials as source", async () => {
    const config = configWith(async () => SOURCE_A);
    getMfaSessionPlugin(config, stepUpOptions);

    assert.deepEqual(await config.credentials(), SOURCE_A);
  });

  it("marks the provider memoized", () => {
    const config = configWith(async () => SOURCE_A);
    getMfaSessionPlugin(config, stepUpOptions);

    assert.equal((config.credentials as { memoized?: boolean }).memoized, true);
  });

  it("keeps the source when applied again", async () => {
    const config = configWith(async () => SOURCE_A);
    getMfaSessionPlugin(config, stepUpOptions);
    const first = config.credentials;
    getMfaSessionPlugin(config, stepUpOptions);

    assert.notEqual(config.credentials, first);
    assert.deepEqual(await config.credentials(), SOURCE_A);
  });

  it("adopts credentials set in between", async () => {
    const config = configWith(async () => SOURCE_A);
    getMfaSessionPlugin(config, stepUpOptions);
    config.credentials = async () => SOURCE_B;
    getMfaSessionPlugin(config, stepUpOptions);

    assert.deepEqual(await config.credentials(), SOURCE_B);
  });
});
