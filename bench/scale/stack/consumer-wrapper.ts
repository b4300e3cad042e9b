/**
 * Source of a module that wraps the edge-cache bundle for the queue-consumer worker: it hands
 * every batch to edge-cache's own `queue` handler unchanged and counts the messages on the way,
 * so the harness can tell how many messages a tick sent without touching the producer. The
 * count is read at `COUNT_PATH` on the wrapped worker; every other request goes to edge-cache.
 */
export const COUNT_PATH = "/__scale/queue-count";

export interface QueueCount {
  /** Distinct messages delivered (a message retried is counted once). */
  messages: number;
  /** Deliveries, retries included. */
  deliveries: number;
  /** Batches whose handler threw (their messages are retried by the queue). */
  failedBatches: number;
  /** Batches being handled now. */
  inFlight: number;
}

export function consumerWrapperSource(bundleFile: string): string {
  return `import edgeCache from "./${bundleFile}";
const seen = new Set();
let deliveries = 0;
let failedBatches = 0;
let inFlight = 0;
export default {
  ...edgeCache,
  async queue(batch, env, ctx) {
    for (const message of batch.messages) seen.add(message.id);
    deliveries += batch.messages.length;
    if (typeof edgeCache.queue !== "function") {
      batch.ackAll();
      return;
    }
    inFlight += 1;
    try {
      await edgeCache.queue(batch, env, ctx);
    } catch (error) {
      failedBatches += 1;
      throw error;
    } finally {
      inFlight -= 1;
    }
  },
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === ${JSON.stringify(COUNT_PATH)})
      return Response.json({ messages: seen.size, deliveries, failedBatches, inFlight });
    return edgeCache.fetch(request, env, ctx);
  },
};
`;
}
