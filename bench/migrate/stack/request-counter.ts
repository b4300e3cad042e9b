/**
 * Source of an entry module served in front of the edge-cache bundle: every request the Worker
 * receives is counted (by route, with its status) before edge-cache's own `fetch` answers it, so
 * the harness counts what reaches the Worker, admin calls included, with no proxy in the path.
 * The counts are read at `COUNT_PATH`, which is not counted; every other request goes to edge-cache.
 */
export const COUNT_PATH = "/__bench/requests";

export interface RouteCount {
  requests: number;
  /** Answers by HTTP status (a 429 or 503 the CLI retried shows here). */
  statuses: Record<string, number>;
}

export interface WorkerRequestCounts {
  total: number;
  /** By method and path, ids replaced: `POST /v1/batch`, `GET /admin/tenants/:id/limits`. */
  byRoute: Record<string, RouteCount>;
  /**
   * Milliseconds requests spent in the Worker, summed; over a copy's wall time, the mean number in
   * flight. workerd's clock moves only across I/O, which every batch waits on (its Redis request).
   */
  busyMs: number;
  maxInFlight: number;
}

export function requestCounterSource(bundleFile: string): string {
  return `import edgeCache from "./${bundleFile}";
const counts = { total: 0, byRoute: {}, busyMs: 0, maxInFlight: 0 };
let inFlight = 0;
const routeOf = (method, path) =>
  method + " " + path.replace(/\\/tenants\\/[^/]+/, "/tenants/:id").replace(/\\/tokens\\/[^/]+/, "/tokens/:id");
export default {
  ...edgeCache,
  async fetch(request, env, ctx) {
    const path = new URL(request.url).pathname;
    if (path === ${JSON.stringify(COUNT_PATH)}) return Response.json(counts);
    const route = routeOf(request.method, path);
    const count = (counts.byRoute[route] ??= { requests: 0, statuses: {} });
    counts.total += 1;
    count.requests += 1;
    inFlight += 1;
    counts.maxInFlight = Math.max(counts.maxInFlight, inFlight);
    const started = Date.now();
    let status = "threw";
    try {
      const response = await edgeCache.fetch(request, env, ctx);
      status = String(response.status);
      return response;
    } finally {
      inFlight -= 1;
      counts.busyMs += Date.now() - started;
      count.statuses[status] = (count.statuses[status] ?? 0) + 1;
    }
  },
};
`;
}

export async function readRequestCounts(workerUrl: string): Promise<WorkerRequestCounts> {
  const response = await fetch(`${workerUrl}${COUNT_PATH}`);
  if (!response.ok) throw new Error(`edge-cache bench: ${COUNT_PATH} answered ${response.status}`);
  return (await response.json()) as WorkerRequestCounts;
}

/** What arrived between two readings. */
export function countsSince(before: WorkerRequestCounts, after: WorkerRequestCounts): WorkerRequestCounts {
  const byRoute: Record<string, RouteCount> = {};
  for (const [route, now] of Object.entries(after.byRoute)) {
    const then = before.byRoute[route];
    const statuses = Object.fromEntries(
      Object.entries(now.statuses)
        .map(([status, n]) => [status, n - (then?.statuses[status] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    const requests = now.requests - (then?.requests ?? 0);
    if (requests > 0) byRoute[route] = { requests, statuses };
  }
  return { total: after.total - before.total, byRoute, busyMs: after.busyMs - before.busyMs, maxInFlight: after.maxInFlight };
}
