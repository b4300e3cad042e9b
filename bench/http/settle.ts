import { setTimeout as sleep } from "node:timers/promises";
import type { GatewayControl } from "../../test/helpers/worker/gateway-control.ts";

/**
 * Waits until the worker's gateway scope has seen no new request for a while. A load run stops
 * with requests still in flight; the worker finishes them (and their stats flush) after the
 * load generator has gone, and their Redis requests must land before counters are reset or read.
 */
export async function settle(control: GatewayControl | undefined, options: { quietMs: number; maxMs: number }): Promise<void> {
  if (!control) return;
  const deadline = performance.now() + options.maxMs;
  let last = (await control.counters()).requests.total;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await sleep(25);
    const now = (await control.counters()).requests.total;
    if (now !== last) {
      last = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= options.quietMs) {
      return;
    }
  }
}
