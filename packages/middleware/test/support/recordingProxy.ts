// A loopback HTTP proxy that forwards every request unchanged to a server, such as moto_server,
// and records which access key signed it. moto does not report the signing key itself, so the
// tests read it here, from the request as it reached moto.
import { createServer, request as httpRequest, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One forwarded request. No secret or token is recorded. */
export interface ProxiedRequest {
  method: string;
  path: string;
  /** Signing name from the SigV4 credential scope, such as "s3". */
  service: string | undefined;
  /** The Action parameter of a Query request. */
  action: string | undefined;
  accessKeyId: string | undefined;
  /** Whether the request carried an x-amz-security-token header. */
  sessionToken: boolean;
  status: number;
}

export interface RecordingProxy {
  endpoint: string;
  requests: ProxiedRequest[];
  stop(): Promise<void>;
}

const readBody = async (request: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

/** Starts a proxy on a free port of 127.0.0.1 that forwards to `target` (`http://127.0.0.1:PORT`). */
export const startRecordingProxy = async (target: string): Promise<RecordingProxy> => {
  const targetUrl = new URL(target);
  const requests: ProxiedRequest[] = [];

  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(incoming.headers.authorization ?? ""));
    const isForm = String(incoming.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded");
    const record: ProxiedRequest = {
      method: incoming.method ?? "",
      path: incoming.url ?? "/",
      service: scope?.[2],
      action: isForm ? (new URLSearchParams(body.toString("utf8")).get("Action") ?? undefined) : undefined,
      accessKeyId: scope?.[1],
      sessionToken: incoming.headers["x-amz-security-token"] !== undefined,
      status: 0,
    };
    requests.push(record);

    // The Host header stays as the client signed it; moto does not check it against its own port.
    const forwarded = httpRequest(
      { host: targetUrl.hostname, port: targetUrl.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        record.status = response.statusCode ?? 0;
        outgoing.writeHead(record.status, response.headers);
        response.pipe(outgoing);
      },
    );
    forwarded.on("error", (error) => {
      outgoing.writeHead(502);
      outgoing.end(`recording proxy: forwarding failed: ${error.message}`);
    });
    forwarded.end(body);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
