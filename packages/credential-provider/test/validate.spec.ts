import assert from "node:assert/strict";

import { isMfaSessionError } from "../src/errors.js";
import {
  isRootMfaSerial,
  normalizeMfaCode,
  resolveDurationSeconds,
  validatePositiveInteger,
  validateSerialNumber,
} from "../src/validate.js";

describe(validateSerialNumber.name, () => {
  const valid = [
    "arn:aws:iam::123456789012:mfa/alice",
    "arn:aws:iam::123456789012:mfa/team/alice.smith+ops@corp",
    "arn:aws-us-gov:iam::123456789012:mfa/bob",
    "arn:aws-cn:iam::123456789012:mfa/root-account-mfa-device",
    "GAHT12345678",
  ];
  for (const serial of valid) {
    it(`accepts ${serial}`, () => {
      assert.doesNotThrow(() => validateSerialNumber(serial));
    });
  }

  const invalid = [
    "",
    "arn:aws:iam::12345:mfa/alice",
    "arn:aws:iam::123456789012:user/alice",
    "arn:aws:iam::123456789012:mfa/",
    "short",
    "has space in it",
  ];
  for (const serial of invalid) {
    it(`rejects ${JSON.stringify(serial)}`, () => {
      assert.throws(
        () => validateSerialNumber(serial),
        (error: unknown) => isMfaSessionError(error, "INVALID_OPTION") && error.message.includes("serialNumber"),
      );
    });
  }
});

describe(resolveDurationSeconds.name, () => {
  it("defaults to 12 hours for IAM users", () => {
    assert.equal(resolveDurationSeconds(undefined, false), 43_200);
  });

  it("defaults to 1 hour for root", () => {
    assert.equal(resolveDurationSeconds(undefined, true), 3_600);
  });

  it("accepts range bounds", () => {
    assert.equal(resolveDurationSeconds(900, false), 900);
    assert.equal(resolveDurationSeconds(129_600, false), 129_600);
    assert.equal(resolveDurationSeconds(3_600, true), 3_600);
  });

  const cases: { value: number; root: boolean; range: string }[] = [
    { value: 60, root: false, range: "900 to 129600" },
    { value: 600, root: false, range: "900 to 129600" },
    { value: 129_601, root: false, range: "900 to 129600" },
    { value: 1000.5, root: false, range: "900 to 129600" },
    { value: Number.NaN, root: false, range: "900 to 129600" },
    { value: 3_601, root: true, range: "900 to 3600" },
  ];
  for (const { value, root, range } of cases) {
    it(`rejects ${value}${root ? " for root" : ""}`, () => {
      assert.throws(
        () => resolveDurationSeconds(value, root),
        (error: unknown) =>
          isMfaSessionError(error, "DURATION_OUT_OF_RANGE") &&
          error.message.includes(`durationSeconds ${value}`) &&
          error.message.includes(range),
      );
    });
  }
});

describe(normalizeMfaCode.name, () => {
  it("trims surrounding white space", () => {
    assert.equal(normalizeMfaCode("  123456\n"), "123456");
  });

  const junk = [" 123 456", "1234567", "12345", "\u001b[O123456", "", "12345a", "１２３４５６"];
  for (const input of junk) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.equal(normalizeMfaCode(input), undefined);
    });
  }
});

describe(isRootMfaSerial.name, () => {
  it("detects the root device", () => {
    assert.equal(isRootMfaSerial("arn:aws:iam::123456789012:mfa/root-account-mfa-device"), true);
  });

  it("ignores user devices", () => {
    assert.equal(isRootMfaSerial("arn:aws:iam::123456789012:mfa/alice"), false);
  });
});

describe(validatePositiveInteger.name, () => {
  it("accepts unset", () => {
    assert.doesNotThrow(() => validatePositiveInteger("maxCodeAttempts", undefined));
  });

  it("rejects zero", () => {
    assert.throws(
      () => validatePositiveInteger("maxCodeAttempts", 0),
      (error: unknown) => isMfaSessionError(error, "INVALID_OPTION") && error.message.includes("maxCodeAttempts 0"),
    );
  });
});
