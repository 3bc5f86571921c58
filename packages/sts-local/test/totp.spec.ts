import assert from "node:assert/strict";

import { TOTP } from "otpauth";

import { decodeBase32, totpCode } from "../src/index.js";

// RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890", 8 digits, 30 s steps.
const RFC_SECRET_ASCII = "12345678901234567890";
const RFC_SECRET_BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_SHA1_VECTORS: Array<[timeSeconds: number, code: string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("totp", () => {
  it("base32 decodes the RFC secret", () => {
    assert.equal(decodeBase32(RFC_SECRET_BASE32).toString("ascii"), RFC_SECRET_ASCII);
  });

  it("base32 ignores case, spaces and padding", () => {
    assert.deepEqual(decodeBase32("mzxw 6ytb oi======"), Buffer.from("foobar"));
  });

  it("base32 rejects invalid characters", () => {
    assert.throws(() => decodeBase32("ABC1"), /outside A-Z and 2-7/);
  });

  it("base32 rejects an empty secret", () => {
    assert.throws(() => decodeBase32(" = "), /empty/);
  });

  for (const [timeSeconds, code] of RFC_SHA1_VECTORS) {
    it(`RFC 6238 vector at ${timeSeconds}`, () => {
      assert.equal(totpCode(RFC_SECRET_BASE32, timeSeconds * 1000, { digits: 8 }), code);
    });
  }

  it("defaults to 6 digits", () => {
    // The 6-digit code is the last 6 digits of the 8-digit one, since both are the same value modulo 10^n.
    assert.equal(totpCode(RFC_SECRET_BASE32, 59_000), "287082");
  });

  it("keeps the code within one step", () => {
    assert.equal(totpCode(RFC_SECRET_BASE32, 60_000), totpCode(RFC_SECRET_BASE32, 89_999));
  });

  it("rejects 5 digits", () => {
    assert.throws(() => totpCode(RFC_SECRET_BASE32, 0, { digits: 5 }), RangeError);
  });

  it("matches the otpauth package", () => {
    const reference = new TOTP({ secret: RFC_SECRET_BASE32, algorithm: "SHA1", digits: 6, period: 30 });
    const start = Date.UTC(2024, 0, 1);
    for (let step = 0; step < 200; step += 1) {
      const timestamp = start + step * 30_000 + 7_000;
      assert.equal(totpCode(RFC_SECRET_BASE32, timestamp), reference.generate({ timestamp }), `step ${step}`);
    }
  });
});
