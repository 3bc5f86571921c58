import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import sinon from "sinon";

import { totpMfaCode, type TotpAlgorithm } from "../src/index.js";
import { makeContext, makeTempDir, rejectionOf, thrownBy } from "./helpers.js";

// RFC 6238 appendix B: ASCII keys per algorithm and the 8-digit codes at each time.
const RFC_KEYS: Record<TotpAlgorithm, string> = {
  SHA1: "12345678901234567890",
  SHA256: "12345678901234567890123456789012",
  SHA512: "1234567890123456789012345678901234567890123456789012345678901234",
};
const RFC_VECTORS: { seconds: number; codes: Record<TotpAlgorithm, string> }[] = [
  { seconds: 59, codes: { SHA1: "94287082", SHA256: "46119246", SHA512: "90693936" } },
  { seconds: 1111111109, codes: { SHA1: "07081804", SHA256: "68084774", SHA512: "25091201" } },
  { seconds: 1111111111, codes: { SHA1: "14050471", SHA256: "67062674", SHA512: "99943326" } },
  { seconds: 1234567890, codes: { SHA1: "89005924", SHA256: "91819424", SHA512: "93441116" } },
  { seconds: 2000000000, codes: { SHA1: "69279037", SHA256: "90698825", SHA512: "38618901" } },
  { seconds: 20000000000, codes: { SHA1: "65353130", SHA256: "77737706", SHA512: "47863826" } },
];

// Base32 of RFC_KEYS.SHA1.
const BASE32_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/** Computes a 6-digit SHA1 TOTP code with node:crypto, independently of the code under test. */
const expectedCode = (key: string, timeMs: number): string => {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(timeMs / 30_000)));
  const hmac = createHmac("sha1", Buffer.from(key, "ascii")).update(counter).digest();
  const offset = (hmac[hmac.length - 1] ?? 0) & 0x0f;
  const value = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, "0");
};

let serialCounter = 0;
const uniqueSerial = (): string => `arn:aws:iam::123456789012:mfa/totp-${++serialCounter}`;

describe("totpMfaCode", () => {
  afterEach(() => {
    sinon.restore();
  });

  describe("RFC 6238 test vectors", () => {
    for (const algorithm of Object.keys(RFC_KEYS) as TotpAlgorithm[]) {
      it(`matches ${algorithm} vectors`, async () => {
        for (const vector of RFC_VECTORS) {
          const source = totpMfaCode({
            secret: Buffer.from(RFC_KEYS[algorithm], "ascii"),
            algorithm,
            digits: 8,
            now: () => vector.seconds * 1000,
          });
          assert.equal(await source(uniqueSerial()), vector.codes[algorithm], `at ${vector.seconds} s`);
        }
      });
    }
  });

  describe("secret sources", () => {
    it("decodes base32 secret", async () => {
      const source = totpMfaCode({ secret: "gezd gnbv gy3t qojq gezd gnbv gy3t qojq", now: () => 59_000 });
      assert.equal(await source(uniqueSerial()), "287082");
    });

    it("applies otpauth URI parameters", async () => {
      const uri = `otpauth://totp/AWS:alice?secret=${BASE32_SECRET}&digits=8&algorithm=SHA1&period=30`;
      const source = totpMfaCode({ secret: uri, now: () => 59_000 });
      assert.equal(await source(uniqueSerial()), "94287082");
    });

    it("reads secretFile", async () => {
      const temp = makeTempDir("totp");
      try {
        const path = join(temp.dir, "secret");
        writeFileSync(path, `${BASE32_SECRET}\n`);
        assert.equal(await totpMfaCode({ secretFile: path, now: () => 59_000 })(uniqueSerial()), "287082");
      } finally {
        temp.remove();
      }
    });

    it("reads secretEnv", async () => {
      process.env.MFA_CODE_TEST_TOTP_SECRET = BASE32_SECRET;
      try {
        const source = totpMfaCode({ secretEnv: "MFA_CODE_TEST_TOTP_SECRET", now: () => 59_000 });
        assert.equal(await source(uniqueSerial()), "287082");
      } finally {
        delete process.env.MFA_CODE_TEST_TOTP_SECRET;
      }
    });
  });

  describe("errors", () => {
    it("requires a secret", () => {
      assert.equal(thrownBy(() => totpMfaCode({})).code, "MFA_TOTP_SECRET_MISSING");
    });

    it("rejects empty secret", () => {
      assert.equal(thrownBy(() => totpMfaCode({ secret: "" })).code, "MFA_TOTP_SECRET_MISSING");
    });

    it("rejects two secret locations", () => {
      const error = thrownBy(() => totpMfaCode({ secret: BASE32_SECRET, secretEnv: "X" }));
      assert.equal(error.code, "MFA_INVALID_OPTION");
    });

    it("rejects five digits", () => {
      assert.equal(thrownBy(() => totpMfaCode({ secret: BASE32_SECRET, digits: 5 })).code, "MFA_INVALID_OPTION");
    });

    it("rejects unknown algorithm", () => {
      const options = { secret: BASE32_SECRET, algorithm: "MD5" as TotpAlgorithm };
      assert.equal(thrownBy(() => totpMfaCode(options)).code, "MFA_INVALID_OPTION");
    });

    it("rejects whitespace-only secret", async () => {
      const error = await rejectionOf(totpMfaCode({ secret: "   " })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_MISSING");
    });

    it("rejects non-base32 secret", async () => {
      const error = await rejectionOf(totpMfaCode({ secret: "NOT!BASE32*SECRET" })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_INVALID");
    });

    it("rejects HOTP URI", async () => {
      const uri = `otpauth://hotp/AWS:alice?secret=${BASE32_SECRET}&counter=1`;
      const error = await rejectionOf(totpMfaCode({ secret: uri })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_INVALID");
    });

    it("missing secretFile is unavailable", async () => {
      const error = await rejectionOf(totpMfaCode({ secretFile: "/nonexistent/totp-secret" })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_UNREADABLE");
      assert.equal(error.unavailable, true);
      assert.match(error.message, /\/nonexistent\/totp-secret/);
    });

    it("unreadable secretFile names path", async () => {
      const temp = makeTempDir("totp-dir");
      try {
        const path = join(temp.dir, "secret-dir");
        mkdirSync(path);
        const error = await rejectionOf(totpMfaCode({ secretFile: path })(uniqueSerial()));
        assert.equal(error.code, "MFA_TOTP_SECRET_UNREADABLE");
        assert.equal(error.unavailable, false);
        assert.ok(error.message.includes(path), error.message);
      } finally {
        temp.remove();
      }
    });

    it("empty secretFile is missing", async () => {
      const temp = makeTempDir("totp-empty");
      try {
        const path = join(temp.dir, "secret");
        writeFileSync(path, "\n");
        const error = await rejectionOf(totpMfaCode({ secretFile: path })(uniqueSerial()));
        assert.equal(error.code, "MFA_TOTP_SECRET_MISSING");
      } finally {
        temp.remove();
      }
    });

    it("endless secretFile is bounded", async () => {
      const error = await rejectionOf(totpMfaCode({ secretFile: "/dev/zero" })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_INVALID");
      assert.match(error.message, /larger than/);
    });

    it("unset secretEnv names variable", async () => {
      delete process.env.MFA_CODE_TEST_UNSET_SECRET;
      const error = await rejectionOf(totpMfaCode({ secretEnv: "MFA_CODE_TEST_UNSET_SECRET" })(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_SECRET_MISSING");
      assert.equal(error.unavailable, true);
      assert.match(error.message, /MFA_CODE_TEST_UNSET_SECRET/);
    });
  });

  describe("reuse", () => {
    // 10 s into a 30-second step, so the next step starts 20 s later.
    const START_MS = 1_700_000_020_000;
    const KEY = RFC_KEYS.SHA1;

    it("waits for next step", async () => {
      const clock = sinon.useFakeTimers({ now: START_MS });
      const serial = uniqueSerial();
      const source = totpMfaCode({ secret: BASE32_SECRET });
      assert.equal(await source(serial), expectedCode(KEY, START_MS));

      let settled = false;
      const second = source(serial).finally(() => {
        settled = true;
      });
      await clock.tickAsync(19_999);
      assert.equal(settled, false);

      await clock.tickAsync(1);
      assert.equal(await second, expectedCode(KEY, START_MS + 20_000));
    });

    it("reused reason waits a step", async () => {
      const clock = sinon.useFakeTimers({ now: START_MS });
      const source = totpMfaCode({ secret: BASE32_SECRET });
      const pending = source(uniqueSerial(), makeContext("serial", { reason: "reused" }));

      await clock.tickAsync(20_000);
      assert.equal(await pending, expectedCode(KEY, START_MS + 20_000));
    });

    it("different serials do not wait", async () => {
      sinon.useFakeTimers({ now: START_MS });
      const source = totpMfaCode({ secret: BASE32_SECRET });
      await source(uniqueSerial());
      assert.equal(await source(uniqueSerial()), expectedCode(KEY, START_MS));
    });

    it("abort stops the wait", async () => {
      const clock = sinon.useFakeTimers({ now: START_MS });
      const abort = new AbortController();
      const source = totpMfaCode({ secret: BASE32_SECRET });
      const pending = rejectionOf(source(uniqueSerial(), makeContext("serial", { reason: "reused", signal: abort.signal })));

      await clock.tickAsync(5_000);
      abort.abort();
      assert.equal((await pending).code, "MFA_ABORTED");
    });

    it("non-finite clock fails", async () => {
      const source = totpMfaCode({ secret: BASE32_SECRET, now: () => Number.NaN });
      const error = await rejectionOf(source(uniqueSerial()));
      assert.equal(error.code, "MFA_TOTP_CLOCK_STALLED");
      assert.match(error.message, /NaN/);
    });

    it("stalled clock fails", async () => {
      const clock = sinon.useFakeTimers({ now: START_MS });
      const source = totpMfaCode({ secret: BASE32_SECRET, now: () => START_MS });
      const pending = rejectionOf(source(uniqueSerial(), makeContext("serial", { reason: "reused" })));

      await clock.tickAsync(90_000);
      assert.equal((await pending).code, "MFA_TOTP_CLOCK_STALLED");
    });
  });
});
