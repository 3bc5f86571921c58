import assert from "node:assert/strict";

import { isMfaSessionError } from "@mfa-session/credential-provider";

import { getMfaSessionPlugin, type MfaSessionPluginOptions } from "../src/index.js";
import { validatePluginOptions } from "../src/validateOptions.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const valid: MfaSessionPluginOptions = { serialNumber: SERIAL, mfaCodeProvider: async () => "123456" };

/** Returns the error that validating `options` throws. */
const rejectionOf = (options: unknown): Error => {
  try {
    validatePluginOptions(options as MfaSessionPluginOptions);
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the options to be rejected");
};

describe(validatePluginOptions.name, () => {
  it("defaults to always", () => {
    assert.equal(validatePluginOptions(valid), "always");
  });

  it("accepts on-access-denied", () => {
    assert.equal(validatePluginOptions({ ...valid, mode: "on-access-denied" }), "on-access-denied");
  });

  it("accepts no MFA in always mode", () => {
    assert.equal(validatePluginOptions({}), "always");
  });

  const cases: { name: string; options: unknown; code: string; mentions: RegExp }[] = [
    { name: "a missing object", options: undefined, code: "INVALID_OPTION", mentions: /must be an object/ },
    { name: "masterCredentials", options: { ...valid, masterCredentials: { accessKeyId: "a", secretAccessKey: "b" } }, code: "INVALID_OPTION", mentions: /masterCredentials/ },
    { name: "an unknown mode", options: { ...valid, mode: "sometimes" }, code: "INVALID_OPTION", mentions: /mode "sometimes"/ },
    { name: "step-up without serial", options: { mode: "on-access-denied" }, code: "INVALID_OPTION", mentions: /needs serialNumber/ },
    { name: "a non-function predicate", options: { ...valid, isMfaRequiredError: true }, code: "INVALID_OPTION", mentions: /isMfaRequiredError/ },
    { name: "an empty serial", options: { ...valid, serialNumber: " " }, code: "INVALID_OPTION", mentions: /serialNumber/ },
    { name: "a missing code provider", options: { serialNumber: SERIAL }, code: "MFA_CODE_PROVIDER_MISSING", mentions: /mfaCodeProvider/ },
    { name: "a short duration", options: { ...valid, durationSeconds: 899 }, code: "DURATION_OUT_OF_RANGE", mentions: /durationSeconds 899/ },
    { name: "a long root duration", options: { ...valid, serialNumber: "arn:aws:iam::123456789012:mfa/root-account-mfa-device", durationSeconds: 7200 }, code: "DURATION_OUT_OF_RANGE", mentions: /3600 for a root user/ },
    { name: "a fractional duration", options: { ...valid, durationSeconds: 1000.5 }, code: "DURATION_OUT_OF_RANGE", mentions: /durationSeconds/ },
    { name: "zero code attempts", options: { ...valid, maxCodeAttempts: 0 }, code: "INVALID_OPTION", mentions: /maxCodeAttempts 0/ },
    { name: "a negative timeout", options: { ...valid, mfaCodeTimeoutMs: -1 }, code: "INVALID_OPTION", mentions: /mfaCodeTimeoutMs -1/ },
    { name: "a string refresh window", options: { ...valid, advisoryRefreshMs: "900000" }, code: "INVALID_OPTION", mentions: /advisoryRefreshMs/ },
    { name: "a fractional refresh window", options: { ...valid, mandatoryRefreshMs: 1.5 }, code: "INVALID_OPTION", mentions: /mandatoryRefreshMs/ },
    { name: "a region that is not a string", options: { ...valid, fallbackRegions: [1] }, code: "INVALID_OPTION", mentions: /fallbackRegions/ },
  ];

  for (const { name, options, code, mentions } of cases) {
    it(`rejects ${name}`, () => {
      const error = rejectionOf(options);
      assert.ok(isMfaSessionError(error), `not an MfaSessionError: ${String(error)}`);
      assert.equal(error.code, code);
      assert.match(error.message, mentions);
    });
  }
});

describe(getMfaSessionPlugin.name, () => {
  it("validates when created", () => {
    let credentialsRead = false;
    const config = {
      get credentials() {
        credentialsRead = true;
        return async () => ({ accessKeyId: "AKIAUNITTEST00000001", secretAccessKey: "unit-test-secret" });
      },
      set credentials(_value) {},
    };

    assert.throws(() => getMfaSessionPlugin(config, { mode: "sometimes" as never }), /mode "sometimes"/);
    assert.equal(credentialsRead, false, "config.credentials was touched before the options were valid");
  });

  it("rejects a config without credentials", () => {
    assert.throws(() => getMfaSessionPlugin({} as never, valid), /config\.credentials is not a credential provider/);
  });
});
