import assert from "node:assert/strict";

import { isMfaRequiredError } from "../src/index.js";
import { isSessionRejectedError, readErrorCode } from "../src/errorCodes.js";

const serviceError = (name: string, message = "") => Object.assign(new Error(message), { name, $metadata: {} });

describe(isMfaRequiredError.name, () => {
  const cases: [name: string, message: string, expected: boolean][] = [
    ["AccessDenied", "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:ListAllMyBuckets with an explicit deny in an identity-based policy", true],
    ["AccessDeniedException", "Explicit deny in a service control policy", true],
    ["AccessDenied", "MFA is required for this operation", true],
    ["AccessDenied", "Multi-factor authentication required", true],
    ["AccessDenied", "Access Denied", false],
    ["AccessDenied", "because no identity-based policy allows the s3:ListAllMyBuckets action", false],
    ["ExpiredToken", "explicit deny", false],
  ];

  for (const [name, message, expected] of cases) {
    it(`${expected ? "accepts" : "rejects"} ${name}: ${message.slice(0, 40)}`, () => {
      assert.equal(isMfaRequiredError(serviceError(name, message)), expected);
    });
  }

  it("rejects non-errors", () => {
    assert.equal(isMfaRequiredError("AccessDenied explicit deny"), false);
  });
});

describe(isSessionRejectedError.name, () => {
  for (const name of ["ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId", "InvalidToken", "InvalidAccessKeyId"]) {
    it(`accepts ${name}`, () => {
      assert.equal(isSessionRejectedError(serviceError(name)), true);
    });
  }

  for (const name of ["AccessDenied", "SignatureDoesNotMatch", "ThrottlingException", "MfaSessionError"]) {
    it(`rejects ${name}`, () => {
      assert.equal(isSessionRejectedError(serviceError(name)), false);
    });
  }

  it("reads the code from name", () => {
    assert.equal(readErrorCode(serviceError("ExpiredToken")), "ExpiredToken");
  });

  it("reads nothing from null", () => {
    assert.equal(readErrorCode(null), "");
  });
});
