/**
 * `npm run bench -- --l2-move`: the backfill of a live move between two L2 databases, measured on
 * two local redis-servers behind two gateways. Seeds the current database (entries of 1 KiB over
 * 100 tenants, plus their tenant and token records), then runs the backfill invocation after
 * invocation, as cron ticks would, on the budget a tick gives it (half of WARM_SUBREQUEST_BUDGET),
 * until it is done; checks every entry reached the new database with its lifetime. Writes
 * bench/L2-MOVE.md (and `--report <file>` JSON). `--smoke`: 2,000 keys, one budget, no table.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type LocalStack, startLocalStack } from "../../dev/stack.ts";
import { createEntry } from "../../shared/cache/entry.ts";
import type { EntryKey, TenantId } from "../../shared/cache/keys.ts";
import { UpstashStore } from "../../shared/cache/upstash/upstash-store.ts";
import { runBackfill } from "../../shared/l2/migration/backfill.ts";
import { TENANTS_REDIS_KEY, TOKENS_REDIS_KEY } from "../../shared/redis/key-layout.ts";
import { createUpstashRunner, type RedisRunner } from "../../shared/redis/redis-client.ts";
import { SubrequestBudget } from "../../shared/warm/subrequest-budget.ts";
import { describeEnvironment } from "../l1/environment.ts";

const VALUE_BYTES = 1024;
const TENANTS = 100;

export interface L2MoveRun {
  keys: number;
  /** Subrequests one invocation may spend (the tick's share). */
  budget: number;
  invocations: number;
  subrequests: number;
  keysPerInvocation: number;
  subrequestsPer1000Keys: number;
  wallSeconds: number;
  keysPerSecond: number;
  copied: number;
  controlKeys: number;
  /** Entries in the new database at the end, and how many kept a lifetime within 1% of the seeded one. */
  verified: { entries: number; lifetimesKept: number };
}

export interface L2MoveResults {
  measuredAt: string;
  environment: ReturnType<typeof describeEnvironment>;
  method: { valueBytes: number; tenants: number; pageSize: number };
  runs: L2MoveRun[];
}

export async function runL2MoveBenchmark(root: string, argv: readonly string[]): Promise<number> {
  const smoke = argv.includes("--smoke");
  const reportIndex = argv.indexOf("--report");
  const reportPath = reportIndex >= 0 ? argv[reportIndex + 1] : undefined;
  const plan: { keys: number; budget: number }[] = smoke
    ? [{ keys: 2000, budget: 24 }]
    : [
        { keys: 20_000, budget: 24 },
        { keys: 20_000, budget: 499 },
        { keys: 100_000, budget: 499 },
      ];
  const runs: L2MoveRun[] = [];
  for (const step of plan) {
    const run = await measure(step.keys, step.budget);
    runs.push(run);
    console.log(
      `${step.keys} keys, budget ${step.budget}: ${run.invocations} invocations, ${run.keysPerInvocation} keys each, ` +
        `${run.subrequestsPer1000Keys} subrequests per 1,000 keys, ${run.keysPerSecond} keys/s, verified ${run.verified.entries}`,
    );
    if (run.verified.entries !== step.keys || run.verified.lifetimesKept !== step.keys) {
      console.error("FAILED: not every entry reached the new database with its lifetime");
      return 1;
    }
  }
  const results: L2MoveResults = {
    measuredAt: new Date().toISOString(),
    environment: describeEnvironment(),
    method: { valueBytes: VALUE_BYTES, tenants: TENANTS, pageSize: 200 },
    runs,
  };
  if (reportPath) writeFileSync(reportPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!smoke) writeFileSync(join(root, "bench/L2-MOVE.md"), render(results));
  return 0;
}

async function measure(keys: number, budget: number): Promise<L2MoveRun> {
  const stacks: LocalStack[] = [await startLocalStack(), await startLocalStack()];
  const [current, next] = stacks as [LocalStack, LocalStack];
  const runner = (stack: LocalStack): RedisRunner =>
    createUpstashRunner({ url: stack.gateway.url, token: stack.gateway.token, timeoutMs: 10_000, retries: 0 });
  const codec = { compressionThresholdBytes: 1_000_000 };
  const redisNext = new Redis(next.redis.url);
  try {
    const ttlMs = await seed(current, new UpstashStore({ runner: runner(current), codec }), keys);
    let invocations = 0;
    let subrequests = 0;
    let state: { done: boolean; copied: number; controlKeys: number } | undefined;
    const started = performance.now();
    while (!state?.done) {
      const invocationBudget = new SubrequestBudget(budget);
      const run = await runBackfill(
        {
          current: { runner: runner(current), store: new UpstashStore({ runner: runner(current), codec }) },
          next: { runner: runner(next), store: new UpstashStore({ runner: runner(next), codec }) },
        },
        { budget: invocationBudget },
      );
      invocations++;
      subrequests += invocationBudget.used;
      if (run.status === "ran") state = run.state;
      if (invocations > 100_000) throw new Error("the backfill made no progress");
    }
    const wallSeconds = (performance.now() - started) / 1000;
    const verified = await verify(redisNext, ttlMs);
    return {
      keys,
      budget,
      invocations,
      subrequests,
      keysPerInvocation: Math.round(keys / invocations),
      subrequestsPer1000Keys: Math.round((subrequests / keys) * 1000 * 10) / 10,
      wallSeconds: Math.round(wallSeconds * 10) / 10,
      keysPerSecond: Math.round(keys / wallSeconds),
      copied: state.copied,
      controlKeys: state.controlKeys,
      verified,
    };
  } finally {
    redisNext.disconnect();
    await next.stop();
    await current.stop();
  }
}

const TTL_SECONDS = 3600;

/** Entries through the store (as the API writes them), and a tenant record and token per tenant. */
async function seed(stack: LocalStack, store: UpstashStore, keys: number): Promise<number> {
  const value = new Uint8Array(VALUE_BYTES).fill(97);
  const now = Date.now();
  const entry = await createEntry({ value, contentType: "text/plain", ttlSeconds: TTL_SECONDS, swrSeconds: 0, tags: [] }, now);
  for (let i = 0; i < keys; i += 500) {
    const batch = Array.from({ length: Math.min(500, keys - i) }, (_, j): EntryKey => {
      const n = i + j;
      return { tenant: `t${n % TENANTS}` as TenantId, key: `k/${n}` };
    });
    await store.batch(batch.map((key) => ({ type: "set" as const, key, entry })));
  }
  const redis = new Redis(stack.redis.url);
  for (let t = 0; t < TENANTS; t++) {
    await redis.hset(TENANTS_REDIS_KEY, `t${t}`, JSON.stringify({ id: `t${t}`, status: "active" }));
    await redis.hset(TOKENS_REDIS_KEY, `digest-${t}`, JSON.stringify({ tenant: `t${t}`, scopes: ["read"] }));
  }
  redis.disconnect();
  return TTL_SECONDS * 1000;
}

async function verify(redis: Redis, ttlMs: number): Promise<{ entries: number; lifetimesKept: number }> {
  let cursor = "0";
  let entries = 0;
  let lifetimesKept = 0;
  do {
    const [nextCursor, found] = await redis.scan(cursor, "MATCH", "ec:*:e:*", "COUNT", 1000);
    cursor = nextCursor;
    const pipeline = redis.pipeline();
    for (const key of found) pipeline.pttl(key);
    const ttls = (await pipeline.exec()) ?? [];
    entries += found.length;
    // The seeded lifetime less the time the move took: kept, not restarted.
    lifetimesKept += ttls.filter(([, ttl]) => Number(ttl) > 0 && Number(ttl) <= ttlMs && Number(ttl) > ttlMs * 0.9).length;
  } while (cursor !== "0");
  return { entries, lifetimesKept };
}

function render(results: L2MoveResults): string {
  const rows = results.runs.map(
    (run) =>
      `| ${run.keys.toLocaleString("en")} | ${run.budget} | ${run.invocations} | ${run.keysPerInvocation.toLocaleString("en")} | ${run.subrequestsPer1000Keys} | ${run.keysPerSecond.toLocaleString("en")} | ${run.verified.entries.toLocaleString("en")} / ${run.verified.lifetimesKept.toLocaleString("en")} |`,
  );
  return `# Backfill of a live move between two L2 databases

\`npm run bench -- --l2-move\` (bench/l2-move/run.ts), measured ${results.measuredAt} on ${results.environment.cpu}
(${results.environment.cpus} cores), Node ${results.environment.node}. Two local redis-servers, each behind the
project's Upstash-compatible gateway on loopback; entries of ${results.method.valueBytes} bytes over
${results.method.tenants} tenants, plus a tenant record and a token per tenant; SCAN pages of ${results.method.pageSize}.
Each invocation is what one cron tick runs: the backfill on its budget (a tick gives it half of
\`WARM_SUBREQUEST_BUDGET\` less the stats flush: 24 at the default 50, 499 at 1,000), until a pass
ends with nothing missed.

| keys | budget per tick | ticks | keys per tick | subrequests per 1,000 keys | keys/s (loopback) | in the new database / with their lifetime kept |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

- Ticks, not seconds, are the production figure: a cron trigger fires at most once a minute, so at
  the default budget a move copies about ${results.runs[0]?.keysPerInvocation.toLocaleString("en")} keys a minute; at 1,000 about
  ${results.runs[1]?.keysPerInvocation.toLocaleString("en")}. Upstash's latency (milliseconds, not loopback's tenths) makes each tick
  longer, not the count of keys it copies.
- Subrequests per 1,000 keys is what the move costs in requests: a page of 200 costs a SCAN, one
  read and one write of its entries (each carries up to half of \`L2_MAX_REQUEST_BYTES\`), the
  control keys' dump, merge and reconciliation, and the saved cursor.
- Keys/s is the local ceiling (both databases on loopback, no tick interval).
`;
}
