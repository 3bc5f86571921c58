import assert from "node:assert/strict";

import sinon from "sinon";

import { isMfaSessionError } from "../src/errors.js";
import { requestMfaCode, type MfaCodeRequest } from "../src/requestMfaCode.js";
import type { MfaCodeProvider } from "../src/types.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";
const PLANTED_CODE = "864209";

const request = (mfaCodeProvider: MfaCodeProvider, overrides: Partial<MfaCodeRequest> = {}): MfaCodeRequest => ({
  mfaCodeProvider,
  serialNumber: SERIAL,
  profile: "dev",
  reason: "initial",
  attempt: 1,
  maxAttempts: 3,
  expiration: undefined,
  message: undefined,
  timeoutMs: 1_000,
  nowMs: Date.now(),
  ...overrides,
});

describe(requestMfaCode.name, () => {
  afterEach(() => sinon.restore());

  it("returns the trimmed code", async () => {
    assert.equal(await requestMfaCode(request(async () => ` ${PLANTED_CODE}\n`)), PLANTED_CODE);
  });

  it("passes serial and context", async () => {
    const provider = sinon.stub<Parameters<MfaCodeProvider>, ReturnType<MfaCodeProvider>>().resolves(PLANTED_CODE);
    await requestMfaCode(request(provider, { reason: "retry", attempt: 2, message: "again" }));

    const [serial, context] = provider.firstCall.args;
    assert.equal(serial, SERIAL);
    assert.equal(context.reason, "retry");
    assert.equal(context.attempt, 2);
    assert.equal(context.maxAttempts, 3);
    assert.equal(context.profile, "dev");
    assert.equal(context.message, "again");
    assert.ok(context.deadline instanceof Date);
    assert.equal(context.signal.aborted, false);
  });

  it("works with one-argument callbacks", async () => {
    const sdkStyle = async (serial: string) => (serial === SERIAL ? PLANTED_CODE : "000000");
    assert.equal(await requestMfaCode(request(sdkStyle)), PLANTED_CODE);
  });

  it("returns undefined for malformed codes", async () => {
    assert.equal(await requestMfaCode(request(async () => "12 34 56")), undefined);
  });

  it("rejects non-string answers without the value", async () => {
    const provider = (async () => 864209) as unknown as MfaCodeProvider;
    await assert.rejects(requestMfaCode(request(provider)), (error: unknown) => {
      assert.ok(isMfaSessionError(error, "MFA_CODE_NOT_STRING"));
      assert.match(error.message, /type number/);
      assert.doesNotMatch(error.message, /864209/);
      return true;
    });
  });

  it("wraps a thrown error with its cause", async () => {
    const failure = new Error("no terminal");
    await assert.rejects(requestMfaCode(request(async () => Promise.reject(failure))), (error: unknown) => {
      assert.ok(isMfaSessionError(error, "MFA_CODE_PROVIDER_FAILED"));
      assert.equal(error.cause, failure);
      assert.match(error.message, /no terminal/);
      assert.equal(error.tryNextLink, false);
      return true;
    });
  });

  it("wraps a synchronous throw", async () => {
    const provider = (() => {
      throw new Error("boom");
    }) as MfaCodeProvider;
    await assert.rejects(requestMfaCode(request(provider)), (error: unknown) =>
      isMfaSessionError(error, "MFA_CODE_PROVIDER_FAILED"),
    );
  });

  it("times out and aborts the signal", async () => {
    const clock = sinon.useFakeTimers();
    let signal: AbortSignal | undefined;
    const hanging: MfaCodeProvider = (_serial, context) => {
      signal = context.signal;
      return new Promise<string>(() => undefined);
    };

    const pending = requestMfaCode(request(hanging, { timeoutMs: 5_000, nowMs: Date.now() }));
    const settled = assert.rejects(pending, (error: unknown) => {
      assert.ok(isMfaSessionError(error, "MFA_CODE_TIMEOUT"));
      assert.match(error.message, /5000 ms/);
      assert.match(error.message, /mfaCodeTimeoutMs/);
      return true;
    });
    await clock.tickAsync(5_000);
    await settled;
    assert.equal(signal?.aborted, true);
  });
});
