import { Readable } from "node:stream";

import type { HttpRequest } from "@smithy/types";

/** A request as the fake handler saw it: host, signing scope and form body. */
export interface SeenRequest {
  hostname: string;
  authorization: string;
  body: string;
}

/**
 * Creates a `requestHandler` for the provider's STS client that records each request and replies with a
 * GetSessionToken response whose expiry and `Date` header the test chooses. It lets tests see
 * which host a request was addressed to without sending it anywhere.
 */
export const fakeStsHandler = (reply: { expiration: Date; serverDate?: Date }) => {
  const seen: SeenRequest[] = [];
  const handler = {
    handle: async (request: HttpRequest) => {
      seen.push({
        hostname: request.hostname,
        authorization: String(request.headers.authorization ?? request.headers.Authorization ?? ""),
        body: String(request.body ?? ""),
      });
      const xml =
        `<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult>` +
        `<Credentials><AccessKeyId>ASIAFAKE000000000001</AccessKeyId><SecretAccessKey>fake-session-secret</SecretAccessKey>` +
        `<SessionToken>fake-session-token</SessionToken><Expiration>${reply.expiration.toISOString()}</Expiration>` +
        `</Credentials></GetSessionTokenResult><ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata>` +
        `</GetSessionTokenResponse>`;
      const headers: Record<string, string> = { "content-type": "text/xml", "x-amzn-requestid": "fake-request" };
      if (reply.serverDate) {
        headers.date = reply.serverDate.toUTCString();
      }
      return { response: { statusCode: 200, reason: "OK", headers, body: Readable.from([Buffer.from(xml)]) } };
    },
  };
  return { handler, seen };
};
