import { setTimeout as sleep } from "node:timers/promises";
import { residentBytes } from "./stack/workerd-process.ts";
import { keyPath } from "./traffic/key-space.ts";
import { type Access, send, type TrafficContext } from "./traffic/send.ts";
import { makeValue, parseValue } from "./values.ts";

export interface FloodOptions {
  values: number;
  concurrency: number;
  valueBytes: number;
  /** Every this-many-th value is incompressible (base64 in Redis); the others repeat a 4 KiB block (gzip in Redis). */
  incompressibleEvery: number;
  ttlSeconds: number;
}

export interface FloodResult {
  /** Put statuses. */
  puts: Record<string, number>;
  /** Get statuses, by how the value's put was answered: "201 → 200", "202 → 404"… */
  gets: Record<string, number>;
  corrupt: string[];
  rss: { before?: number; peak?: number; after?: number };
  durationMs: number;
}

const PERIOD = 4096;

/**
 * Memory pressure: 1 MiB values through an L1 budget of a fraction of them, each put followed by
 * a get of an earlier value (from L1, or from Redis once evicted). workerd's RSS is sampled
 * every 100 ms; the isolate's heap is sampled by the HeapSampler meanwhile.
 */
export async function runFlood(
  ctx: TrafficContext,
  access: Access,
  workerdPid: number | undefined,
  options: FloodOptions,
): Promise<FloodResult> {
  const result: FloodResult = { puts: {}, gets: {}, corrupt: [], rss: {}, durationMs: 0 };
  const rss = () => (workerdPid === undefined ? undefined : residentBytes(workerdPid));
  result.rss.before = rss();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      result.rss.peak = Math.max(result.rss.peak ?? 0, rss() ?? 0);
      await sleep(100);
    }
  })();

  const started = performance.now();
  const periodOf = (i: number) => (i % options.incompressibleEvery === 0 ? options.valueBytes : PERIOD);
  const count = (into: Record<string, number>, label: string) => {
    into[label] = (into[label] ?? 0) + 1;
  };
  const answered = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < options.values) {
      const i = next++;
      const key = `flood/${i}`;
      const value = makeValue(
        { tenant: access.tenant, key, seq: 1, binary: i % 2 === 1, length: options.valueBytes },
        { periodBytes: periodOf(i) },
      );
      const put = await send(
        ctx,
        "flood-put",
        access,
        `${keyPath(key)}?ttl=${options.ttlSeconds}`,
        { method: "PUT", headers: { "content-type": "application/octet-stream" }, body: value },
        {},
        () => ({}),
      );
      count(result.puts, String(put.response.status));
      answered.set(i, put.response.status);
      const done = [...answered.keys()];
      const j = done[Math.floor(Math.random() * done.length)] as number;
      const get = await send(ctx, "flood-get", access, keyPath(`flood/${j}`), {}, {}, () => ({}));
      count(result.gets, `${answered.get(j)} → ${get.response.status}`);
      if (get.response.status === 200) {
        const parsed = parseValue(get.response.body, { periodBytes: periodOf(j) });
        if (!parsed.ok || parsed.identity.key !== `flood/${j}` || parsed.identity.tenant !== access.tenant) {
          result.corrupt.push(`flood/${j}: ${parsed.ok ? `holds ${parsed.identity.tenant}/${parsed.identity.key}` : parsed.problem}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.durationMs = performance.now() - started;
  sampling = false;
  await sampler;
  await sleep(3000);
  result.rss.after = rss();
  return result;
}
