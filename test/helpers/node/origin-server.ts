import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A stand-in for tenants' origins, for warming tests in workerd. It serves any path, counts
 * requests per path, and is steered over HTTP (workerd tests can only reach it by fetch):
 *
 *   PUT  /__origin/routes   {"prefix":"/t1/", "body"?, "contentType"?, "etag"?, "lastModified"?,
 *                            "status"?, "delayMs"?, "failTimes"?}   how paths under a prefix answer
 *   GET  /__origin/stats?prefix=/t1/                                what paths under it received
 *
 * Tests use a random prefix each, so files running in parallel never see each other's counts.
 * Defaults: 200, body `origin <path>`, a strong ETag of the body, 304 on a matching
 * If-None-Match or If-Modified-Since.
 */

export interface OriginBehaviour {
  body?: string;
  contentType?: string;
  /** null: send no ETag. @default a hash of the body */
  etag?: string | null;
  lastModified?: string;
  /** Answer this status (with the body) instead of 200. */
  status?: number;
  /** Wait this long before answering (the request is counted first). */
  delayMs?: number;
  /** Answer 503 to this many next requests, then behave. */
  failTimes?: number;
}

interface PathStats {
  hits: number;
  conditional: number;
  notModified: number;
  lastIfNoneMatch?: string;
  lastIfModifiedSince?: string;
  /** The last request's `x-` headers: what a target's own headers sent. */
  lastXHeaders?: Record<string, string>;
}

export interface OriginServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, as a tenant's originHosts entry. */
  host: string;
  stop(): Promise<void>;
}

export async function startOriginServer(): Promise<OriginServer> {
  const behaviours = new Map<string, OriginBehaviour>();
  const stats = new Map<string, PathStats>();

  const behaviourOf = (path: string): OriginBehaviour => {
    let best: [string, OriginBehaviour] | undefined;
    for (const entry of behaviours) if (path.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
    return best?.[1] ?? {};
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const counted = stats.get(path) ?? { hits: 0, conditional: 0, notModified: 0 };
    stats.set(path, counted);
    counted.hits += 1;
    const ifNoneMatch = header(req, "if-none-match");
    const ifModifiedSince = header(req, "if-modified-since");
    if (ifNoneMatch !== undefined || ifModifiedSince !== undefined) counted.conditional += 1;
    if (ifNoneMatch !== undefined) counted.lastIfNoneMatch = ifNoneMatch;
    if (ifModifiedSince !== undefined) counted.lastIfModifiedSince = ifModifiedSince;
    counted.lastXHeaders = Object.fromEntries(
      Object.entries(req.headers).flatMap(([name, value]) => (name.startsWith("x-") && typeof value === "string" ? [[name, value]] : [])),
    );

    const behaviour = behaviourOf(path);
    if (behaviour.delayMs) await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
    if (behaviour.failTimes && behaviour.failTimes > 0) {
      behaviour.failTimes -= 1;
      return send(res, 503, { "content-type": "text/plain" }, "origin failing on purpose");
    }
    const body = behaviour.body ?? `origin ${path}`;
    const etag = behaviour.etag === undefined ? `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"` : behaviour.etag;
    const headers: Record<string, string> = { "content-type": behaviour.contentType ?? "text/plain; charset=utf-8" };
    if (etag) headers.etag = etag;
    if (behaviour.lastModified) headers["last-modified"] = behaviour.lastModified;
    if (behaviour.status && behaviour.status !== 200) return send(res, behaviour.status, headers, body);
    const unchanged =
      (ifNoneMatch !== undefined && etag !== null && ifNoneMatch === etag) ||
      (ifNoneMatch === undefined && ifModifiedSince !== undefined && ifModifiedSince === behaviour.lastModified);
    if (unchanged) {
      counted.notModified += 1;
      return send(res, 304, headers, "");
    }
    return send(res, 200, headers, body);
  };

  const control = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method === "PUT" && url.pathname === "/__origin/routes") {
      const { prefix, ...behaviour } = JSON.parse(await readBody(req)) as OriginBehaviour & { prefix: string };
      behaviours.set(prefix, behaviour);
      return send(res, 200, { "content-type": "application/json" }, JSON.stringify({ prefix, ...behaviour }));
    }
    if (req.method === "GET" && url.pathname === "/__origin/stats") {
      const prefix = url.searchParams.get("prefix") ?? "/";
      const paths = Object.fromEntries([...stats].filter(([path]) => path.startsWith(prefix)));
      const total = Object.values(paths).reduce((sum, path) => sum + path.hits, 0);
      return send(res, 200, { "content-type": "application/json" }, JSON.stringify({ total, paths }));
    }
    return send(res, 404, { "content-type": "text/plain" }, "no such control route");
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://origin");
    const handle = url.pathname.startsWith("/__origin/") ? control(req, res, url) : serve(req, res, url.pathname);
    handle.catch(() => send(res, 500, { "content-type": "text/plain" }, "origin test server error"));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(status === 304 ? undefined : body);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
