import assert from "node:assert/strict";

import type { MfaCodeProvider } from "@mfa-session/credential-provider";
import sinon from "sinon";

import {
  commandMfaCode,
  envMfaCode,
  firstAvailable,
  MfaCodeSourceError,
  promptMfaCode,
  totpMfaCode,
  ykmanMfaCode,
} from "../src/index.js";
import { makeContext, rejectionOf, thrownBy } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/alice";

const unavailableSource = (message: string) =>
  async function unavailableSource(): Promise<string> {
    throw new MfaCodeSourceError(message, { code: "MFA_ENV_UNSET", unavailable: true });
  };

describe("firstAvailable", () => {
  afterEach(() => {
    sinon.restore();
  });

  it("returns first code", async () => {
    const source = firstAvailable(async () => "111111", async () => "222222");
    assert.equal(await source(SERIAL), "111111");
  });

  it("skips unavailable sources", async () => {
    delete process.env.MFA_CODE_TEST_FIRST_UNSET;
    const source = firstAvailable(
      envMfaCode("MFA_CODE_TEST_FIRST_UNSET"),
      promptMfaCode({ ttyPath: "/nonexistent/tty" }),
      async () => "333333",
    );
    assert.equal(await source(SERIAL), "333333");
  });

  it("skips any error marked unavailable", async () => {
    const foreign = Object.assign(new Error("not configured here"), { unavailable: true });
    const source = firstAvailable(async () => Promise.reject(foreign), async () => "444444");
    assert.equal(await source(SERIAL), "444444");
  });

  it("stops at a real failure", async () => {
    const failure = new MfaCodeSourceError("command failed", { code: "MFA_COMMAND_FAILED" });
    const next = sinon.stub().resolves("555555");
    const error = await rejectionOf(firstAvailable(async () => Promise.reject(failure), next)(SERIAL));
    assert.equal(error, failure);
    assert.equal(next.called, false);
  });

  it("passes serial and context", async () => {
    const stub = sinon.stub().resolves("666666");
    const context = makeContext(SERIAL, { reason: "retry" });
    await firstAvailable(stub)(SERIAL, context);
    assert.deepEqual(stub.firstCall.args, [SERIAL, context]);
  });

  describe("all unavailable", () => {
    let error: Awaited<ReturnType<typeof rejectionOf>>;

    before(async () => {
      const source = firstAvailable(unavailableSource("variable X is not set"), promptMfaCode({ ttyPath: "/nonexistent/tty" }));
      error = await rejectionOf(source(SERIAL, makeContext(SERIAL, { profile: "ci" })));
    });

    it("has code MFA_ALL_UNAVAILABLE", () => {
      assert.equal(error.code, "MFA_ALL_UNAVAILABLE");
    });

    it("is itself unavailable", () => {
      assert.equal(error.unavailable, true);
    });

    it("lists each source's reason", () => {
      assert.match(error.message, /source 1 \(unavailableSource\): variable X is not set/);
      assert.match(error.message, /source 2 \(promptMfaCode\): .*no terminal is available/);
    });

    it("names serial and profile", () => {
      assert.ok(error.message.includes(`${SERIAL} (profile ci)`), error.message);
    });

    it("keeps errors as cause", () => {
      assert.equal((error.cause as AggregateError).errors.length, 2);
    });
  });

  it("stops when signal aborted", async () => {
    const abort = new AbortController();
    abort.abort();
    const error = await rejectionOf(firstAvailable(async () => "777777")(SERIAL, makeContext(SERIAL, { signal: abort.signal })));
    assert.equal(error.code, "MFA_ABORTED");
  });

  it("sources fit mfaCodeProvider", () => {
    // Compiles only while every source is assignable to the provider's callback type.
    const providers: MfaCodeProvider[] = [
      promptMfaCode(),
      totpMfaCode({ secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" }),
      envMfaCode(),
      commandMfaCode("true"),
      ykmanMfaCode(),
      firstAvailable(envMfaCode(), promptMfaCode()),
    ];
    assert.equal(providers.length, 6);
  });

  it("requires a source", () => {
    assert.equal(thrownBy(() => firstAvailable()).code, "MFA_INVALID_OPTION");
  });
});
