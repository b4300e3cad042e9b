import { request } from "node:http";
import type { Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface CancelOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Whether the worker is now blocked where the test wants it cancelled (e.g. the gateway holds its request). */
  isBlocked: () => Promise<boolean>;
  /**
   * The worker's own deadline for what it is blocked on. The cancellation must come well before
   * it, or the scenario would prove nothing: a timeout would have ended the request anyway.
   */
  deadlineMs: number;
}

export interface Cancellation {
  /** From sending the request to cutting its connection. */
  cancelledAfterMs: number;
}

/**
 * Sends a request and, once the worker is blocked mid-flight, resets the connection.
 *
 * A reset, not a graceful close: workerd (as Miniflare runs it) notices a client going away only
 * when the connection is reset. After a FIN, which is what an aborted `fetch` sends, the request
 * keeps running to its end, `finally` blocks included. After a reset, workerd drops the request:
 * its outgoing connections close at once and its code never resumes (no `finally`), unless it
 * has handed work to `ctx.waitUntil`, which keeps the request's I/O alive until that work ends.
 */
export async function cancelMidFlight(url: string, options: CancelOptions): Promise<Cancellation> {
  const started = performance.now();
  const sent = request(url, { method: options.method ?? "GET", headers: options.headers, agent: false });
  let answered: number | undefined;
  sent.on("response", (response) => {
    answered = response.statusCode;
    response.resume();
  });
  const ended = new Promise<void>((resolve) => {
    sent.once("error", () => resolve());
    sent.once("close", () => resolve());
  });
  const connected = new Promise<Socket>((resolve) => sent.once("socket", resolve));
  sent.end();
  const socket = await connected;

  while (!(await options.isBlocked())) {
    if (answered !== undefined) throw new Error(`${url} answered ${answered} before it could be cancelled mid-flight`);
    if (performance.now() - started > options.deadlineMs) throw new Error(`${url} never blocked where it was to be cancelled`);
    await sleep(5);
  }
  if (answered !== undefined) throw new Error(`${url} answered ${answered} before it could be cancelled mid-flight`);
  socket.resetAndDestroy();
  const cancelledAfterMs = performance.now() - started;
  if (cancelledAfterMs >= options.deadlineMs) {
    throw new Error(`${url} was cancelled after ${Math.round(cancelledAfterMs)} ms, not before its own ${options.deadlineMs} ms deadline`);
  }
  await ended;
  return { cancelledAfterMs };
}
