import assert from "node:assert/strict";
import { Readable } from "node:stream";

import { hasStreamingInput } from "../src/streamingInput.js";

describe(hasStreamingInput.name, () => {
  it("finds a Node.js Readable", () => {
    assert.equal(hasStreamingInput({ Bucket: "b", Body: Readable.from(["x"]) }), true);
  });

  it("finds a web ReadableStream", () => {
    assert.equal(hasStreamingInput({ Body: new ReadableStream() }), true);
  });

  it("finds an async iterable", () => {
    const body = { async *[Symbol.asyncIterator]() { yield "x"; } };
    assert.equal(hasStreamingInput({ Body: body }), true);
  });

  it("ignores strings and buffers", () => {
    assert.equal(hasStreamingInput({ Body: "text", Other: Buffer.from("x"), Bytes: new Uint8Array(2) }), false);
  });

  it("ignores a missing input", () => {
    assert.equal(hasStreamingInput(undefined), false);
  });
});
