import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a fake sees it. `signal` aborts when the client hangs up, so a long poll stops waiting. */
export interface HttpCall {
  method: string;
  /** The raw (still percent-encoded) path, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeServer {
  url: string;
  close(): Promise<void>;
}

/** True when the request carries a SigV4 Authorization header: a test cannot pass by skipping the signer. */
export function isSigned(headers: IncomingHttpHeaders): boolean {
  return String(headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256");
}

/** The access key id a SigV4 Authorization header names (`Credential=<id>/<date>/…`), or null. */
export function signingKeyOf(headers: IncomingHttpHeaders): string | null {
  return /Credential=([^/,\s]+)\//.exec(String(headers.authorization ?? ""))?.[1] ?? null;
}

/** Listens on a free port of 127.0.0.1 and answers every request with `handle`. */
export async function listen(
  handle: (call: HttpCall) => HttpReply | Promise<HttpReply>,
): Promise<FakeServer> {
  const server = createServer((req, res) => {
    const hangUp = new AbortController();
    res.on("close", () => hangUp.abort());
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://fake");
      const call: HttpCall = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
        signal: hangUp.signal,
      };
      void Promise.resolve()
        .then(() => handle(call))
        .catch((error: unknown) => ({
          status: 500,
          headers: { "content-type": "text/plain" },
          body: `fake failed: ${(error as Error).message}`,
        }))
        .then((reply) => {
          if (res.destroyed) return;
          res.writeHead(reply.status, reply.headers);
          res.end(call.method === "HEAD" ? undefined : reply.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

export interface FaultOptions<R> {
  /** How many matching requests the fault answers (default 1; Infinity for all). */
  times?: number;
  /** Which requests it answers (default: any). */
  when?: (request: R) => boolean;
}

/** Scripted faults: each rule answers its next `times` matching requests instead of the fake; rules in order added. */
export class FaultScript<R, F> {
  private readonly rules: { fault: F; left: number; when: (request: R) => boolean }[] = [];

  add(fault: F, options: FaultOptions<R> = {}): void {
    this.rules.push({ fault, left: options.times ?? 1, when: options.when ?? (() => true) });
  }

  take(request: R): F | undefined {
    const rule = this.rules.find((r) => r.left > 0 && r.when(request));
    if (!rule) return undefined;
    rule.left--;
    return rule.fault;
  }
}
