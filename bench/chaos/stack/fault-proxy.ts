import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Faults the gateway cannot inject: its faults strike before a command runs, and it drops a
 * request whose client gave up, so a timed-out or retried request there never ran. This proxy
 * sits between the worker and the gateway:
 * - `late-delivery`: the request is held, then delivered even if the worker gave up meanwhile, as
 *   a request stuck in a network is: commands run late, possibly after newer ones;
 * - `late-reply`: the command runs at once, its answer is held past the worker's deadline;
 * - `reset-after-apply`: the command runs, then the connection is reset instead of answered, so
 *   the SDK retries a command that already ran (a connection lost on the way back).
 */
export type ProxyFault =
  | { mode: "pass" }
  | { mode: "late-delivery"; latencyMs: number; jitterMs: number }
  | { mode: "late-reply"; latencyMs: number; jitterMs: number }
  | { mode: "reset-after-apply" };

export interface FaultProxy {
  /** The gateway's URL, through the proxy: give it to the worker as UPSTASH_REDIS_REST_URL. */
  url: string;
  set(fault: ProxyFault): void;
  /** Requests that reached Redis and whose answer was then held or dropped. */
  readonly struck: number;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["host", "connection", "content-length", "keep-alive", "transfer-encoding"]);

async function bodyOf(req: IncomingMessage): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let fault: ProxyFault = { mode: "pass" };
  let struck = 0;
  const server = createServer({ requestTimeout: 0 }, async (req, res) => {
    try {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers))
        if (!HOP_BY_HOP.has(name) && typeof value === "string") headers.set(name, value);
      const requestBody = await bodyOf(req);
      const now = fault;
      if (now.mode === "late-delivery") {
        struck++;
        await sleep(now.latencyMs + Math.random() * now.jitterMs);
      }
      const answer = await fetch(new URL(req.url ?? "/", target.origin), { method: req.method ?? "POST", headers, body: requestBody });
      const body = Buffer.from(await answer.arrayBuffer());
      if (req.socket.destroyed) return;
      if (now.mode === "reset-after-apply") {
        struck++;
        req.socket.resetAndDestroy();
        return;
      }
      if (now.mode === "late-reply") {
        struck++;
        await sleep(now.latencyMs + Math.random() * now.jitterMs);
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name)) out[name] = value;
      });
      res.writeHead(answer.status, out);
      res.end(body);
    } catch {
      // The worker gave up on this request (its deadline) or the gateway is gone: nothing to answer.
      req.socket.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname === "/" ? "" : target.pathname}`,
    set(next) {
      fault = next;
    },
    get struck() {
      return struck;
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
