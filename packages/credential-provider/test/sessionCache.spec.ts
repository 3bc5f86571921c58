import assert from "node:assert/strict";

import {
  forgetMfaSession,
  getCachedSession,
  sessionCacheKey,
  storeSession,
  type SessionCacheKeyFields,
} from "../src/sessionCache.js";
import { resetProviderState } from "./helpers.js";

const fields: SessionCacheKeyFields = {
  sourceAccessKeyId: "AKIAKEY0000000000001",
  serialNumber: "arn:aws:iam::123456789012:mfa/alice",
  durationSeconds: 3_600,
  region: "eu-west-1",
  endpoint: undefined,
  profile: undefined,
};

const session = (accessKeyId: string) => ({
  accessKeyId,
  secretAccessKey: "secret",
  sessionToken: "token",
  expiration: new Date(Date.now() + 3_600_000),
});

describe(sessionCacheKey.name, () => {
  const variations: [string, Partial<SessionCacheKeyFields>][] = [
    ["source key", { sourceAccessKeyId: "AKIAKEY0000000000002" }],
    ["serial", { serialNumber: "arn:aws:iam::123456789012:mfa/bob" }],
    ["no serial", { serialNumber: undefined }],
    ["duration", { durationSeconds: 7_200 }],
    ["region", { region: "us-east-1" }],
    ["endpoint", { endpoint: "http://127.0.0.1:1" }],
    ["profile", { profile: "dev" }],
  ];
  for (const [name, change] of variations) {
    it(`changes with ${name}`, () => {
      assert.notEqual(sessionCacheKey({ ...fields, ...change }), sessionCacheKey(fields));
    });
  }

  it("is stable for equal fields", () => {
    assert.equal(sessionCacheKey({ ...fields }), sessionCacheKey(fields));
  });
});

describe(forgetMfaSession.name, () => {
  beforeEach(() => resetProviderState());

  it("removes the matching session", () => {
    const key = sessionCacheKey(fields);
    storeSession(key, session("ASIAFORGET0000000001"));

    assert.equal(forgetMfaSession("ASIAFORGET0000000001"), true);
    assert.equal(getCachedSession(key), undefined);
  });

  it("keeps other sessions", () => {
    const key = sessionCacheKey(fields);
    storeSession(key, session("ASIAKEEP000000000001"));

    assert.equal(forgetMfaSession("ASIAOTHER00000000001"), false);
    assert.ok(getCachedSession(key));
  });
});
