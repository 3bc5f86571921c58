// Decoding of the aws-chunked content encoding, which the SDK uses for streaming S3 uploads.
import { StsError } from "./errors.js";

/** A decoded aws-chunked body and its trailing headers, such as `x-amz-checksum-crc32`. */
export interface AwsChunkedBody {
  data: Buffer;
  trailers: Map<string, string>;
}

const CRLF = "\r\n";

function malformed(detail: string): StsError {
  return new StsError(400, "IncompleteBody", `The aws-chunked request body is malformed: ${detail}.`);
}

/**
 * Decodes `hex-size[;chunk-signature=…]\r\n data \r\n … 0\r\n trailer-lines \r\n`. Chunk signatures
 * are not checked, because sts-local accepts only unsigned streaming payloads.
 * Throws an IncompleteBody StsError when the encoding is broken.
 */
export function decodeAwsChunked(body: Buffer): AwsChunkedBody {
  const chunks: Buffer[] = [];
  let offset = 0;

  for (;;) {
    const lineEnd = body.indexOf(CRLF, offset);
    if (lineEnd === -1) {
      throw malformed("a chunk header has no line end");
    }
    const sizeText = body.toString("latin1", offset, lineEnd).split(";")[0].trim();
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) {
      throw malformed(`the chunk size "${sizeText}" is not hexadecimal`);
    }
    const size = parseInt(sizeText, 16);
    offset = lineEnd + CRLF.length;
    if (size === 0) {
      break;
    }
    if (offset + size + CRLF.length > body.length || body.toString("latin1", offset + size, offset + size + CRLF.length) !== CRLF) {
      throw malformed(`a chunk of ${size} bytes is cut short`);
    }
    chunks.push(body.subarray(offset, offset + size));
    offset += size + CRLF.length;
  }

  const trailers = new Map<string, string>();
  for (const line of body.toString("latin1", offset).split(CRLF)) {
    const separator = line.indexOf(":");
    if (separator > 0) {
      trailers.set(line.slice(0, separator).trim().toLowerCase(), line.slice(separator + 1).trim());
    }
  }
  return { data: Buffer.concat(chunks), trailers };
}
