import assert from "node:assert/strict";

import { decodeAwsChunked } from "../src/awsChunked.js";
import { StsError } from "../src/errors.js";
import { resolveS3Operation, toS3AuthError } from "../src/s3.js";
import { startStsLocal } from "../src/index.js";
import { ALICE } from "./helpers.js";

const codeOf = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof StsError, `not an StsError: ${String(error)}`);
    return error.code;
  }
  assert.fail("expected an StsError");
};

describe("S3 operations", () => {
  const cases: [method: string, target: string, name: string, bucket: string, key: string][] = [
    ["GET", "/?x-id=ListBuckets", "ListBuckets", "", ""],
    ["PUT", "/photos", "CreateBucket", "photos", ""],
    ["PUT", "/photos/2024/a%20b.jpg?x-id=PutObject", "PutObject", "photos", "2024/a b.jpg"],
    ["GET", "/photos/a.jpg?x-id=GetObject", "GetObject", "photos", "a.jpg"],
    ["HEAD", "/photos/a.jpg", "HeadObject", "photos", "a.jpg"],
  ];

  for (const [method, target, name, bucket, key] of cases) {
    it(`maps ${method} ${target}`, () => {
      assert.deepEqual(resolveS3Operation(method, target), { name, bucket, key });
    });
  }

  it("rejects a subresource", () => {
    assert.equal(codeOf(() => resolveS3Operation("GET", "/photos/a.jpg?acl")), "NotImplemented");
  });

  it("rejects listing objects", () => {
    assert.equal(codeOf(() => resolveS3Operation("GET", "/photos")), "NotImplemented");
  });

  it("rejects broken percent-encoding", () => {
    assert.equal(codeOf(() => resolveS3Operation("GET", "/photos/%E0%A4%A")), "InvalidURI");
  });
});

describe(toS3AuthError.name, () => {
  const cases: [code: string, message: string, knownKey: boolean, expected: string, status: number][] = [
    ["ExpiredToken", "expired", true, "ExpiredToken", 400],
    ["InvalidClientTokenId", "invalid", false, "InvalidAccessKeyId", 403],
    ["InvalidClientTokenId", "invalid", true, "InvalidToken", 400],
    ["MissingAuthenticationToken", "missing", false, "AccessDenied", 403],
    ["IncompleteSignature", "malformed", false, "AuthorizationHeaderMalformed", 400],
    ["SignatureDoesNotMatch", "Signature expired: 20240101T000000Z is now earlier than …", true, "RequestTimeTooSkewed", 403],
    ["SignatureDoesNotMatch", "The request signature we calculated does not match", true, "SignatureDoesNotMatch", 403],
  ];

  for (const [code, message, knownKey, expected, status] of cases) {
    it(`maps ${code} to ${expected}${knownKey ? " for a known key" : ""}`, () => {
      const mapped = toS3AuthError(new StsError(403, code, message), knownKey);
      assert.equal(mapped.code, expected);
      assert.equal(mapped.status, status);
    });
  }
});

describe(decodeAwsChunked.name, () => {
  it("joins the chunks", () => {
    const { data } = decodeAwsChunked(Buffer.from("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    assert.equal(data.toString(), "hello world");
  });

  it("reads the trailer", () => {
    const { trailers } = decodeAwsChunked(Buffer.from("2\r\nhi\r\n0\r\nx-amz-checksum-crc32:AAAA==\r\n\r\n"));
    assert.equal(trailers.get("x-amz-checksum-crc32"), "AAAA==");
  });

  it("ignores chunk signatures", () => {
    const { data } = decodeAwsChunked(Buffer.from("2;chunk-signature=abc\r\nhi\r\n0;chunk-signature=def\r\n\r\n"));
    assert.equal(data.toString(), "hi");
  });

  it("rejects a short chunk", () => {
    assert.equal(codeOf(() => decodeAwsChunked(Buffer.from("9\r\nhi\r\n0\r\n\r\n"))), "IncompleteBody");
  });

  it("rejects a size that is not hex", () => {
    assert.equal(codeOf(() => decodeAwsChunked(Buffer.from("zz\r\nhi\r\n"))), "IncompleteBody");
  });
});

describe("S3 and IAM options", () => {
  it("rejects an invalid bucket name", async () => {
    await assert.rejects(startStsLocal({ users: [ALICE], buckets: ["No_Such"] }), /Invalid sts-local option buckets\[0\]/);
  });

  it("rejects an invalid requireMfa entry", async () => {
    const sts = await startStsLocal({ users: [ALICE] });
    try {
      assert.throws(() => sts.requireMfa(["ec2:RunInstances"]), /Invalid requireMfa entry "ec2:RunInstances"/);
    } finally {
      await sts.stop();
    }
  });
});
