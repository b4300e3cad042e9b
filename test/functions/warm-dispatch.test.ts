import { afterEach, describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys";
import { deletePlan, putPlan } from "../../shared/warm/plan-store";
import type { WarmRunRecord } from "../../shared/warm/run-record";
import { redisRunner, type TestTenant, uniqueTenant } from "../helpers/worker/test-env";
import {
  ORIGIN_HOST,
  ORIGIN_URL,
  originPrefix,
  originStats,
  recordingQueue,
  storedPlan,
  type WarmHarness,
  warmHarness,
} from "../shared/warm/warm-kit";

const EVERY_MINUTE = "* * * * *";
const runner = redisRunner();

const harnesses: WarmHarness[] = [];
const direct: [TenantId, string][] = [];
afterEach(async () => {
  // Plans left behind would be due in other tests' cron ticks.
  for (const harness of harnesses.splice(0)) await harness.cleanUp();
  for (const [tenant, name] of direct.splice(0)) await deletePlan(runner, tenant, name);
});

async function harness(options: Parameters<typeof warmHarness>[0] = {}): Promise<WarmHarness> {
  const h = await warmHarness(options);
  harnesses.push(h);
  return h;
}

// Plans here run every minute; a new one is due at the next minute, when the tests tick.
const nextMinute = () => Math.floor(Date.now() / 60_000) * 60_000 + 60_000;
const nextHour = () => Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_600_000;

async function runsOf(h: WarmHarness, plan: string, token?: string): Promise<WarmRunRecord[]> {
  return ((await (await h.as(`/v1/warm/runs?plan=${plan}`, {}, token)).json()) as { runs: WarmRunRecord[] }).runs;
}

/** Tenant A (the harness's) with ten plans of the highest priority; tenant B with one plan of the lowest. */
async function crowdedTenants(h: WarmHarness, prefix: string): Promise<{ b: TestTenant }> {
  const plan = (key: string, priority: number) => ({
    schedule: "1m",
    priority,
    targets: [{ key, url: `${ORIGIN_URL}${prefix}${key}` }],
  });
  for (let i = 0; i < 10; i++) expect((await h.putPlan(`a${i}`, plan(`a${i}`, 100))).status).toBe(201);
  const b = await h.base.addTenant({ record: { originHosts: [ORIGIN_HOST] } });
  const created = await h.as(
    "/v1/warm/plans/b0",
    { method: "PUT", body: JSON.stringify(plan("b0", 0)), headers: { "Content-Type": "application/json" } },
    b.token,
  );
  expect(created.status).toBe(201);
  harnesses.push({ ...h, cleanUp: async () => void (await h.as("/v1/warm/plans/b0", { method: "DELETE" }, b.token)) });
  return { b };
}

describe("cron ticks and the due index", () => {
  it("make as many Redis requests and commands with 300 tenants that have plans as with 3, when none is due", async () => {
    const h = await harness();
    const later = nextHour() + 3_600_000;
    const addTenants = async (count: number) => {
      const tenants = Array.from({ length: count }, () => uniqueTenant("many"));
      for (let i = 0; i < tenants.length; i += 25) {
        await Promise.all(
          tenants.slice(i, i + 25).map((tenant) => {
            direct.push([tenant, "p"]);
            return putPlan(runner, tenant, storedPlan("p"), { maxPlans: 50, dueAt: later });
          }),
        );
      }
    };
    const tickCost = async () => {
      await h.gateway.resetCounters();
      await h.cron(EVERY_MINUTE);
      const { requests, commands } = await h.gateway.counters();
      return { requests: requests.total, commands: commands.total };
    };
    await h.cron(EVERY_MINUTE); // anything already due elsewhere is taken now, not while counting
    await addTenants(3);
    const withThree = await tickCost();
    await addTenants(297);
    const withThreeHundred = await tickCost();
    expect(withThreeHundred).toEqual(withThree);
    expect(withThree.requests).toBeLessThanOrEqual(2);
  });

  it("hand a plan out once for its slot, however many ticks fire in it", async () => {
    const queue = recordingQueue();
    const h = await harness({ queue });
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "1m", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k` }] });
    const at = nextMinute();
    // Three triggers fire at :00 and a trigger may be delivered twice.
    await Promise.all([h.cron("* * * * *", at), h.cron("*/5 * * * *", at), h.cron("0 * * * *", at)]);
    await h.cron("* * * * *", at + 2000);
    expect(queue.sent.filter((run) => run.tenant === h.tenant.tenant)).toEqual([{ tenant: h.tenant.tenant, plan: "p", at }]);
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("hand a dispatch that was lost out again once its claim expires, for the same slot", async () => {
    const queue = recordingQueue();
    const h = await harness({ queue });
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "1h", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k` }] });
    const at = nextHour();
    queue.lose = (run) => run.tenant === h.tenant.tenant && run.at === at;
    const mine = () => queue.sent.filter((run) => run.tenant === h.tenant.tenant);
    await h.cron(EVERY_MINUTE, at);
    await h.cron(EVERY_MINUTE, at + 60_000);
    expect(mine()).toHaveLength(1);
    // The message was never consumed: five minutes on, the plan is handed out again.
    await h.cron(EVERY_MINUTE, at + 300_000);
    expect(mine()).toEqual([
      { tenant: h.tenant.tenant, plan: "p", at },
      { tenant: h.tenant.tenant, plan: "p", at: at + 300_000 },
    ]);
    expect(await runsOf(h, "p")).toMatchObject([{ trigger: "cron", finished: true }]);
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("catch a missed slot up at the next tick, whichever trigger fires it", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "5m", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k` }] });
    const slot = Math.floor(Date.now() / 300_000) * 300_000 + 300_000;
    // The */5 trigger of `slot` never came; the minute trigger two minutes later runs the plan.
    await h.cron(EVERY_MINUTE, slot + 120_000);
    expect((await originStats(prefix)).total).toBe(1);
    await h.cron(EVERY_MINUTE, slot + 180_000);
    expect((await originStats(prefix)).total).toBe(1);
    expect(await runsOf(h, "p")).toMatchObject([{ trigger: "cron", finished: true }]);
  });
});

describe("fairness between tenants", () => {
  it("runs another tenant's plan in the same tick as one tenant's ten top-priority plans, without a queue", async () => {
    const h = await harness();
    const prefix = originPrefix();
    const { b } = await crowdedTenants(h, prefix);
    await h.cron(EVERY_MINUTE, nextMinute());
    expect((await originStats(prefix)).paths[`${prefix}b0`]?.hits).toBe(1);
    expect(await runsOf(h, "b0", b.token)).toMatchObject([{ trigger: "cron", finished: true }]);
  });

  it("dispatches another tenant's plan in the first round, and one tenant's plans by its own priority", async () => {
    const queue = recordingQueue();
    const h = await harness({ queue });
    const prefix = originPrefix();
    const { b } = await crowdedTenants(h, prefix);
    await h.putPlan("a-low", { schedule: "1m", priority: 0, targets: [{ key: "low", url: `${ORIGIN_URL}${prefix}low` }] });
    await h.cron(EVERY_MINUTE, nextMinute());
    const sent = queue.sent.filter((run) => run.tenant === h.tenant.tenant || run.tenant === b.tenant).map((run) => run.plan);
    expect(sent).toHaveLength(12);
    // Round-robin: tenant B's only plan goes before tenant A's second.
    expect(sent.indexOf("b0")).toBeLessThanOrEqual(1);
    expect(sent.at(-1)).toBe("a-low");
  });

  it("runs what it claimed itself when the queue refuses sends, and gives back what it could not run", async () => {
    const queue = recordingQueue();
    queue.refuse = true;
    const h = await harness({ queue });
    const prefix = originPrefix();
    const { b } = await crowdedTenants(h, prefix);
    const at = nextMinute();
    await h.cron(EVERY_MINUTE, at);
    const ran = Object.keys((await originStats(prefix)).paths).length;
    expect(ran).toBeGreaterThan(1);
    expect(ran).toBeLessThan(11);
    // The next tick, with the queue accepting again, hands out exactly the runs given back.
    queue.refuse = false;
    await h.cron(EVERY_MINUTE, at + 1000);
    const sent = queue.sent.filter((run) => run.at === at + 1000 && (run.tenant === h.tenant.tenant || run.tenant === b.tenant)).length;
    expect(sent).toBe(11 - ran);
  });
});
