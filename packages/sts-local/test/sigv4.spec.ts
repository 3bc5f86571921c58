import assert from "node:assert/strict";

import { StsError } from "../src/errors.js";
import {
  buildCanonicalRequest,
  computeSignature,
  deriveSigningKey,
  parseAmzDate,
  parseAuthorizationHeader,
  sha256Hex,
  signaturesMatch,
  type SignedHttpRequest,
} from "../src/sigv4.js";

// Vectors of the AWS SigV4 test suite (aws-sig-v4-test-suite): key AKIDEXAMPLE, region us-east-1,
// service "service", time 20150830T123600Z. The paths below are valid on the wire as they stand.
const SUITE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const SUITE_DATE = "20150830T123600Z";
const SUITE_HOST = "example.amazonaws.com";
const SUITE_TOKEN =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwth" +
  "Ax7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAk" +
  "iY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

interface SuiteCase {
  name: string;
  method: string;
  target: string;
  extraHeaders?: Array<[string, string]>;
  body?: string;
  signature: string;
}

const SUITE_CASES: SuiteCase[] = [
  { name: "get-vanilla", method: "GET", target: "/", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
  {
    name: "get-vanilla-query-order-key-case",
    method: "GET",
    target: "/?Param2=value2&Param1=value1",
    signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
  },
  {
    name: "get-vanilla-query-order-value",
    method: "GET",
    target: "/?Param1=value2&Param1=value1",
    signature: "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
  },
  {
    name: "get-vanilla-query-order-key",
    method: "GET",
    target: "/?Param1=value2&Param1=Value1",
    signature: "eedbc4e291e521cf13422ffca22be7d2eb8146eecf653089df300a15b2382bd1",
  },
  {
    name: "get-vanilla-query-unreserved",
    method: "GET",
    target:
      "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
  },
  {
    name: "get-header-key-duplicate",
    method: "GET",
    target: "/",
    extraHeaders: [["My-Header1", "value2"], ["My-Header1", "value2"], ["My-Header1", "value1"]],
    signature: "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea",
  },
  {
    name: "get-header-value-trim",
    method: "GET",
    target: "/",
    extraHeaders: [["My-Header1", " value1"], ["My-Header2", ' "a   b   c"']],
    signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
  },
  {
    name: "normalize-path/get-slashes",
    method: "GET",
    target: "//example//",
    signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84",
  },
  {
    name: "normalize-path/get-slash-pointless-dot",
    method: "GET",
    target: "/./example",
    signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5",
  },
  {
    name: "normalize-path/get-relative-relative",
    method: "GET",
    target: "/example1/example2/../..",
    signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
  },
  {
    name: "post-vanilla-query",
    method: "POST",
    target: "/?Param1=value1",
    signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11",
  },
  {
    name: "post-sts-header-before",
    method: "POST",
    target: "/",
    extraHeaders: [["X-Amz-Security-Token", SUITE_TOKEN]],
    signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead",
  },
  {
    name: "post-x-www-form-urlencoded",
    method: "POST",
    target: "/",
    extraHeaders: [["Content-Type", "application/x-www-form-urlencoded"]],
    body: "Param1=value1",
    signature: "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
  },
  {
    name: "post-x-www-form-urlencoded-parameters",
    method: "POST",
    target: "/",
    extraHeaders: [["Content-Type", "application/x-www-form-urlencoded; charset=utf8"]],
    body: "Param1=value1",
    signature: "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe",
  },
];

/** Returns the suite request and its signed header names, lowercase and sorted as the suite signs them. */
function suiteRequest(testCase: SuiteCase): { request: SignedHttpRequest; signedHeaders: string[] } {
  const rawHeaders = ["Host", SUITE_HOST, "X-Amz-Date", SUITE_DATE];
  for (const [name, value] of testCase.extraHeaders ?? []) {
    rawHeaders.push(name, value);
  }
  const names = new Set<string>();
  for (let index = 0; index < rawHeaders.length; index += 2) {
    names.add(rawHeaders[index].toLowerCase());
  }
  return {
    request: { method: testCase.method, target: testCase.target, rawHeaders, body: Buffer.from(testCase.body ?? "") },
    signedHeaders: [...names].sort(),
  };
}

describe("sigv4", () => {
  for (const testCase of SUITE_CASES) {
    it(`suite vector ${testCase.name}`, () => {
      const { request, signedHeaders } = suiteRequest(testCase);
      const authorization = parseAuthorizationHeader(
        `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders.join(";")}, Signature=${testCase.signature}`,
      );
      const signature = computeSignature(request, authorization, SUITE_DATE, sha256Hex(request.body), SUITE_SECRET);
      assert.equal(signature, testCase.signature);
    });
  }

  it("canonical request of post-x-www-form-urlencoded", () => {
    const { request, signedHeaders } = suiteRequest(SUITE_CASES.find((testCase) => testCase.name === "post-x-www-form-urlencoded")!);
    const expected = [
      "POST",
      "/",
      "",
      "content-type:application/x-www-form-urlencoded",
      "host:example.amazonaws.com",
      "x-amz-date:20150830T123600Z",
      "",
      "content-type;host;x-amz-date",
      "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
    ].join("\n");
    assert.equal(buildCanonicalRequest(request, signedHeaders, sha256Hex(request.body)), expected);
  });

  it("signing key is 32 bytes", () => {
    assert.equal(deriveSigningKey(SUITE_SECRET, "20150830", "us-east-1", "sts").length, 32);
  });

  it("parses an Authorization header", () => {
    const parsed = parseAuthorizationHeader(
      "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20240501/eu-west-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
    );
    assert.deepEqual(parsed, {
      accessKeyId: "AKIAEXAMPLE",
      scopeDate: "20240501",
      region: "eu-west-1",
      service: "sts",
      signedHeaders: ["host", "x-amz-date"],
      signature: "abc",
    });
  });

  it("rejects another algorithm", () => {
    assert.throws(
      () => parseAuthorizationHeader("AWS4-HMAC-SHA512 Credential=A/20240501/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=abc"),
      (error: unknown) => error instanceof StsError && error.code === "IncompleteSignature" && error.status === 400,
    );
  });

  it("names each missing component", () => {
    assert.throws(
      () => parseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=A/20240501/eu-west-1/sts/aws4_request"),
      /requires 'SignedHeaders' parameter\. Authorization header requires 'Signature' parameter\./,
    );
  });

  it("rejects a malformed credential scope", () => {
    assert.throws(
      () => parseAuthorizationHeader("AWS4-HMAC-SHA256 Credential=A/2024-05-01/eu-west-1/sts/aws4_request, SignedHeaders=host, Signature=abc"),
      /Invalid Credential/,
    );
  });

  it("parses X-Amz-Date", () => {
    assert.equal(parseAmzDate("20150830T123600Z"), Date.UTC(2015, 7, 30, 12, 36, 0));
  });

  it("rejects an out-of-range X-Amz-Date", () => {
    assert.equal(parseAmzDate("20151330T123600Z"), undefined);
  });

  it("rejects an extended X-Amz-Date", () => {
    assert.equal(parseAmzDate("2015-08-30T12:36:00Z"), undefined);
  });

  it("signatures of different length differ", () => {
    assert.equal(signaturesMatch("abcd", "abc"), false);
  });
});
