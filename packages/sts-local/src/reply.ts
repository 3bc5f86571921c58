// The response that request handling produces, before the server adds its common headers.

/** Status, headers and body of a response. The server adds Content-Length, Date and the request id header. */
export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Builds a reply with an XML body. */
export function xmlReply(status: number, xml: string): HttpReply {
  return { status, headers: { "Content-Type": "text/xml" }, body: xml };
}
