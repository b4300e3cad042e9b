import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { consumeWarmQueue } from "../../functions/warm-queue";
import { warmDueRedisKey } from "../../shared/redis/key-layout";
import type { WarmRunRecord } from "../../shared/warm/run-record";
import type { WarmQueue } from "../../shared/warm/warm-queue";
import { redisRunner, sleep } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, originStats, type WarmHarness, warmHarness } from "../shared/warm/warm-kit";

const runner = redisRunner();
const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(2, "0")}`);
const nextHour = () => Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;

const harnesses: WarmHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.cleanUp();
});

async function harness(options: Parameters<typeof warmHarness>[0] = {}): Promise<WarmHarness> {
  const h = await warmHarness(options);
  harnesses.push(h);
  return h;
}

/** Delivers one batch to the consumer, as the queue would, and returns what it acked and retried. */
async function consume(h: WarmHarness, bodies: unknown[]) {
  const batch = createMessageBatch(
    "edge-cache-warm",
    bodies.map((body, i) => ({ id: `m${i}`, timestamp: Date.now(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await consumeWarmQueue(batch, h.env as unknown as Env, ctx);
  return getQueueResult(batch, ctx);
}

async function runsOf(h: WarmHarness, plan: string): Promise<WarmRunRecord[]> {
  return ((await (await h.as(`/v1/warm/runs?plan=${plan}`)).json()) as { runs: WarmRunRecord[] }).runs;
}

async function dueOf(h: WarmHarness, plan: string): Promise<number | undefined> {
  const [reply] = await runner.run([
    { op: "eval", script: "return redis.call('ZSCORE', KEYS[1], ARGV[1])", keys: [warmDueRedisKey(h.tenant.tenant)], args: [plan] },
  ]);
  return reply?.ok && reply.value !== null ? Number(reply.value) : undefined;
}

describe("the warm queue consumer", () => {
  it("runs a plan chunk within its own budget, leaves the cursor, makes the plan due at once, and acks", async () => {
    const h = await harness({ budget: 20 });
    const prefix = originPrefix();
    await h.putPlan("big", { schedule: "1h", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: keys(30) }] });
    const at = nextHour();
    await h.gateway.resetCounters();
    const result = await consume(h, [{ tenant: h.tenant.tenant, plan: "big", at }]);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages).toEqual([]);
    const fetched = (await originStats(prefix)).total;
    expect((await h.gateway.counters()).requests.total + fetched).toBeLessThanOrEqual(20);
    const [chunk] = await runsOf(h, "big");
    expect(chunk).toMatchObject({ trigger: "cron", finished: false, from: 0, cursor: fetched, stoppedBy: "budget" });
    // Unfinished: due at once, so the next tick dispatches the next chunk.
    expect(await dueOf(h, "big")).toBe(at);
    await consume(h, [{ tenant: h.tenant.tenant, plan: "big", at: at + 60_000 }]);
    expect((await runsOf(h, "big"))[0]).toMatchObject({ from: fetched, runId: chunk?.runId });
  });

  it("shares one invocation's budget between its messages and retries those it could not afford", async () => {
    const h = await harness({ budget: 20 });
    const prefix = originPrefix();
    for (const name of ["p0", "p1", "p2", "p3", "p4"]) {
      await h.putPlan(name, { schedule: "1h", targets: [{ key: name, url: `${ORIGIN_URL}${prefix}${name}` }] });
    }
    const at = nextHour();
    const result = await consume(
      h,
      ["p0", "p1", "p2", "p3", "p4"].map((plan) => ({ tenant: h.tenant.tenant, plan, at })),
    );
    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toHaveLength(2);
    expect((await originStats(prefix)).total).toBe(3);
  });

  it("acks, without running anything, a message that is not a plan run and one whose plan was deleted", async () => {
    const h = await harness();
    const result = await consume(h, [
      "not a run",
      { tenant: "Not A Tenant", plan: "p", at: Date.now() },
      { tenant: h.tenant.tenant, plan: "bad:name", at: Date.now() },
      { tenant: h.tenant.tenant, plan: "deleted", at: Date.now() },
    ]);
    expect(result.explicitAcks.sort()).toEqual(["m0", "m1", "m2", "m3"]);
    expect(await runsOf(h, "deleted")).toEqual([]);
  });

  it("does nothing with a second delivery of a run whose slot is done", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "1h", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k` }] });
    const at = nextHour();
    const message = { tenant: h.tenant.tenant, plan: "p", at };
    await consume(h, [message]);
    expect(await dueOf(h, "p")).toBe(at + 3_600_000);
    expect((await consume(h, [message])).explicitAcks).toEqual(["m0"]);
    expect((await originStats(prefix)).total).toBe(1);
    expect(await runsOf(h, "p")).toHaveLength(1);
  });

  it("receives what is sent to the queue wrangler.toml configures", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "1h", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k` }] });
    // Sent straight to the binding: a tick would also claim other tests' due plans for this consumer.
    const queue = (env as unknown as { WARM_QUEUE: WarmQueue }).WARM_QUEUE;
    await queue.sendBatch([{ body: { tenant: h.tenant.tenant, plan: "p", at: nextHour() }, contentType: "json" }]);
    let runs: WarmRunRecord[] = [];
    for (let i = 0; i < 50 && runs.length === 0; i++) {
      await sleep(200);
      runs = await runsOf(h, "p");
    }
    // The consumer runs with the suite's own env, where this test origin is not an allowed host.
    expect(runs).toMatchObject([{ trigger: "cron", finished: true, errors: [{ key: "k", reason: "not_allowed" }] }]);
  });
});
