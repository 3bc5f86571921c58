import assert from "node:assert/strict";

import { SMITHY_CONTEXT_KEY } from "@smithy/types";

import { keepsSourceCredentials, readOperationName, readServiceId } from "../src/operations.js";

describe(keepsSourceCredentials.name, () => {
  const cases: [service: string, operation: string, sessionHasMfa: boolean, expected: boolean][] = [
    ["STS", "GetCallerIdentity", true, false],
    ["STS", "AssumeRole", true, false],
    ["STS", "GetSessionToken", true, true],
    ["STS", "GetFederationToken", true, true],
    ["STS", "DecodeAuthorizationMessage", true, true],
    ["STS", "GetAccessKeyInfo", false, true],
    ["sts", "GetSessionToken", true, true],
    ["IAM", "ListUsers", true, false],
    ["IAM", "ListUsers", false, true],
    ["S3", "PutObject", false, false],
    ["S3", "ListBuckets", true, false],
  ];

  for (const [service, operation, sessionHasMfa, expected] of cases) {
    it(`${expected ? "keeps" : "leaves"} ${service} ${operation}${sessionHasMfa ? "" : " without MFA"}`, () => {
      assert.equal(keepsSourceCredentials(service, operation, sessionHasMfa), expected);
    });
  }
});

describe(readOperationName.name, () => {
  it("reads the Smithy context", () => {
    assert.equal(readOperationName({ [SMITHY_CONTEXT_KEY]: { operation: "ListUsers" }, commandName: "Other" }), "ListUsers");
  });

  it("falls back to the command name", () => {
    assert.equal(readOperationName({ commandName: "GetSessionTokenCommand" }), "GetSessionToken");
  });
});

describe(readServiceId.name, () => {
  it("prefers the config", () => {
    assert.equal(readServiceId("IAM", { clientName: "STSClient" }), "IAM");
  });

  it("falls back to the client name", () => {
    assert.equal(readServiceId(undefined, { clientName: "STSClient" }), "STS");
  });
});
