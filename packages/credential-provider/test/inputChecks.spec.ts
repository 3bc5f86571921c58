import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { isMfaSessionError } from "../src/errors.js";
import { readPrivateFile } from "../src/privateFile.js";
import { fromMfaSession } from "../src/fromMfaSession.js";
import type { FromMfaSessionOptions } from "../src/types.js";
import { validateRegion, validateSerialNumber } from "../src/validate.js";
import { resetProviderState } from "./helpers.js";

const SERIAL = "arn:aws:iam::123456789012:mfa/erin";
const SOURCE = { accessKeyId: "AKIAERIN000000000001", secretAccessKey: "erin-secret-000000000000000000000000000" };

// Every case must fail before the code callback or any network call.
const rejectsLocally = async (options: Partial<FromMfaSessionOptions>, code: string, pattern: RegExp) => {
  let codeRequests = 0;
  const get = fromMfaSession({
    serialNumber: SERIAL,
    masterCredentials: SOURCE,
    clientConfig: { region: "eu-west-1", endpoint: "http://127.0.0.1:9" },
    mfaCodeProvider: async () => {
      codeRequests += 1;
      return "123456";
    },
    ...options,
  });
  await assert.rejects(get(), (error: unknown) => {
    assert.ok(isMfaSessionError(error), String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
  assert.equal(codeRequests, 0);
};

describe("input checks", () => {
  beforeEach(() => resetProviderState());

  it("rejects a timer above the limit", async () => {
    await rejectsLocally({ mfaCodeTimeoutMs: 2 ** 31 }, "INVALID_OPTION", /mfaCodeTimeoutMs 2147483648/);
  });

  it("rejects fallbackRegions as a string", async () => {
    await rejectsLocally({ fallbackRegions: "us-east-1" as unknown as string[] }, "INVALID_OPTION", /fallbackRegions/);
  });

  it("rejects an empty fallback region", async () => {
    await rejectsLocally({ fallbackRegions: [""] }, "INVALID_OPTION", /from fallbackRegions/);
  });

  it("rejects a malformed region", async () => {
    await rejectsLocally(
      { clientConfig: { region: "eu-west-1/../x", endpoint: "http://127.0.0.1:9" } },
      "INVALID_OPTION",
      /region "eu-west-1\/\.\.\/x" from clientConfig.region/,
    );
  });

  it("rejects an ASIA key without token", async () => {
    await rejectsLocally({ masterCredentials: { ...SOURCE, accessKeyId: "ASIAERIN000000000001" } }, "SOURCE_IS_SESSION", /long-term/);
  });

  it("rejects non-string source keys", async () => {
    const masterCredentials = async () => ({ accessKeyId: 5, secretAccessKey: 6 }) as unknown as typeof SOURCE;
    await rejectsLocally({ masterCredentials }, "SOURCE_CREDENTIALS_MISSING", /as strings/);
  });

  it("rejects a non-string serial", async () => {
    await rejectsLocally({ serialNumber: 42 as unknown as string }, "INVALID_OPTION", /type number/);
  });

  it("rejects an overlong ARN", () => {
    const serial = `arn:aws:iam::123456789012:mfa/${"a".repeat(300)}`;
    assert.throws(
      () => validateSerialNumber(serial),
      (error: unknown) => isMfaSessionError(error, "INVALID_OPTION") && error.message.length < 400,
    );
  });

  it("accepts usual region names", () => {
    for (const region of ["us-east-1", "us-gov-west-1", "cn-north-1", "eu-isoe-west-1", "ap-southeast-5"]) {
      assert.doesNotThrow(() => validateRegion(region, "test"));
    }
  });

  it("treats a FIFO as rejected", async function () {
    const directory = mkdtempSync(join(tmpdir(), "mfa-fifo-"));
    try {
      const path = join(directory, "entry.json");
      execFileSync("mkfifo", [path]);

      const result = await readPrivateFile(path);

      assert.equal(result.status, "rejected");
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
