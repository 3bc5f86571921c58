import assert from "node:assert/strict";

import { envMfaCode } from "../src/index.js";
import { rejectionOf, thrownBy } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";

describe("envMfaCode", () => {
  const variables: string[] = [];
  let variableCounter = 0;

  /** Sets a variable name used by no other test, because returned codes are remembered per name. */
  const setUniqueVariable = (value: string | undefined): string => {
    const name = `MFA_CODE_TEST_ENV_${++variableCounter}`;
    variables.push(name);
    if (value !== undefined) {
      process.env[name] = value;
    }
    return name;
  };

  afterEach(() => {
    for (const name of variables.splice(0)) {
      delete process.env[name];
    }
  });

  it("returns the code", async () => {
    const name = setUniqueVariable("123456");
    assert.equal(await envMfaCode(name)(SERIAL), "123456");
  });

  it("removes spaces and dashes", async () => {
    const name = setUniqueVariable(" 123 456\n");
    assert.equal(await envMfaCode(name)(SERIAL), "123456");
  });

  it("reads AWS_MFA_CODE by default", async () => {
    const previous = process.env.AWS_MFA_CODE;
    delete process.env.AWS_MFA_CODE;
    try {
      const error = await rejectionOf(envMfaCode()(SERIAL));
      assert.match(error.message, /AWS_MFA_CODE/);
    } finally {
      if (previous !== undefined) {
        process.env.AWS_MFA_CODE = previous;
      }
    }
  });

  it("rejects the same code twice", async () => {
    const name = setUniqueVariable("222333");
    await envMfaCode(name)(SERIAL);
    const error = await rejectionOf(envMfaCode(name)(SERIAL));
    assert.equal(error.code, "MFA_ENV_CODE_REUSED");
    assert.equal(error.unavailable, true);
  });

  it("accepts a changed code", async () => {
    const name = setUniqueVariable("222333");
    const source = envMfaCode(name);
    await source(SERIAL);
    process.env[name] = "444555";
    assert.equal(await source(SERIAL), "444555");
  });

  it("unset variable is unavailable", async () => {
    const name = setUniqueVariable(undefined);
    const error = await rejectionOf(envMfaCode(name)(SERIAL));
    assert.equal(error.code, "MFA_ENV_UNSET");
    assert.equal(error.unavailable, true);
    assert.ok(error.message.includes(name), error.message);
  });

  it("empty variable counts as unset", async () => {
    const name = setUniqueVariable("  ");
    assert.equal((await rejectionOf(envMfaCode(name)(SERIAL))).code, "MFA_ENV_UNSET");
  });

  it("rejects a malformed value", async () => {
    const name = setUniqueVariable("12345x");
    const error = await rejectionOf(envMfaCode(name)(SERIAL));
    assert.equal(error.code, "MFA_ENV_CODE_INVALID");
    assert.equal(error.unavailable, false);
  });

  it("rejects an empty name", () => {
    assert.equal(thrownBy(() => envMfaCode("")).code, "MFA_INVALID_OPTION");
  });
});
