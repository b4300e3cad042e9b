import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { runScheduled } from "../../functions/scheduled";
import { MAX_RECORDED_CRONS, readTickRecord, recordTickCommand } from "../../shared/diagnostics/tick-record";
import { CRON_TICKS_REDIS_KEY } from "../../shared/redis/key-layout";
import { PiggybackRunner } from "../../shared/redis/piggyback-runner";
import type { RedisCommand, RedisRunner } from "../../shared/redis/redis-client";
import { ADMIN_TOKEN, redisRunner, type TestApp, testApp } from "../helpers/worker/test-env";

interface Diagnostics {
  now: number;
  store: "redis" | "memory";
  secrets: Record<string, boolean>;
  scheduled: Record<string, number> | null;
}

const runner = redisRunner();

// One hash for the whole deployment (and for every test file sharing this Redis); the bound test
// fills it with expressions nobody declares.
afterAll(async () => {
  await runner.run([{ op: "del", keys: [CRON_TICKS_REDIS_KEY] }]);
});

/** A cron expression no other test fires, so its field is this test's own. */
function uniqueCron(): string {
  const pick = (n: number) => Math.floor(Math.random() * n);
  return `${pick(60)} ${pick(24)} ${1 + pick(28)} ${1 + pick(12)} *`;
}

async function fireCron(app: TestApp, cron: string): Promise<void> {
  const ctx = createExecutionContext();
  const { WARM_QUEUE: _queue, ...env } = app.env;
  await runScheduled(createScheduledController({ cron, scheduledTime: Date.now() }), env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
}

async function diagnostics(app: TestApp): Promise<Diagnostics> {
  const res = await app.admin("/admin/diagnostics");
  expect(res.status).toBe(200);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  return (await res.json()) as Diagnostics;
}

/** A runner that remembers the commands of each request it sends. */
function recording(inner: RedisRunner): { runner: RedisRunner; requests: RedisCommand[][] } {
  const requests: RedisCommand[][] = [];
  return {
    requests,
    runner: {
      run(commands) {
        requests.push([...commands]);
        return inner.run(commands);
      },
    },
  };
}

describe("GET /admin/diagnostics", () => {
  it("answers 401 unauthorized without the admin token or with another one, and 405 to other methods", async () => {
    const app = await testApp({ tenants: 0 });
    const attempts: Record<string, string>[] = [{}, { Authorization: "Bearer not-the-admin-token-0123456789abcdef" }];
    for (const headers of attempts) {
      const res = await app.request("/admin/diagnostics", { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    }
    const post = await app.admin("/admin/diagnostics", { method: "POST" });
    expect(post.status).toBe(405);
    expect(await post.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("reports the server's clock and which secrets are set, never their values", async () => {
    const app = await testApp({ tenants: 0 });
    const before = Date.now();
    const res = await app.admin("/admin/diagnostics");
    const text = await res.text();
    const report = JSON.parse(text) as Diagnostics;
    expect(report.now).toBeGreaterThanOrEqual(before);
    expect(report.now).toBeLessThanOrEqual(Date.now());
    expect(report).toMatchObject({
      store: "redis",
      secrets: { ADMIN_TOKEN: true, TOKEN_PEPPER: true, UPSTASH_REDIS_REST_URL: true, UPSTASH_REDIS_REST_TOKEN: true },
    });
    for (const secret of [ADMIN_TOKEN, app.env.TOKEN_PEPPER, app.env.UPSTASH_REDIS_REST_TOKEN]) expect(text).not.toContain(secret);
  });

  it("reports when each cron trigger last reached the scheduled handler", async () => {
    const app = await testApp({ tenants: 0 });
    const cron = uniqueCron();
    expect((await diagnostics(app)).scheduled?.[cron]).toBeUndefined();
    const before = Date.now();
    await fireCron(app, cron);
    const first = (await diagnostics(app)).scheduled?.[cron];
    expect(first).toBeGreaterThanOrEqual(before);
    expect(first).toBeLessThanOrEqual(Date.now());

    // Spacing as a caller of /__scheduled may type it: recorded under the expression's one spelling.
    await fireCron(app, `  ${cron.split(" ").join("   ")} `);
    const second = (await diagnostics(app)).scheduled?.[cron];
    expect(second).toBeGreaterThanOrEqual(first as number);
  });

  it("records only well-formed cron expressions", async () => {
    const app = await testApp({ tenants: 0 });
    const malformed = ["not a cron", "* * * *", "* * * * * *", `${"1,".repeat(60)}1 * * * *`, "* * * * */5;DROP"];
    for (const cron of malformed) await fireCron(app, cron);
    const { scheduled } = await diagnostics(app);
    for (const cron of malformed) expect(scheduled).not.toHaveProperty(cron);
    for (const cron of malformed) expect(recordTickCommand(cron, Date.now())).toBeUndefined();
  });

  it("says memory-only deployments have nowhere to record ticks", async () => {
    const app = await testApp({ tenants: 0, memoryOnly: true });
    await fireCron(app, uniqueCron());
    expect(await diagnostics(app)).toMatchObject({
      store: "memory",
      scheduled: null,
      secrets: { UPSTASH_REDIS_REST_URL: false, UPSTASH_REDIS_REST_TOKEN: false },
    });
  });
});

describe("the cron tick record", () => {
  it("rides in the tick's first request: no request of its own, and the caller sees only its own replies", async () => {
    const { runner: counted, requests } = recording(runner);
    const cron = uniqueCron();
    const at = Date.now();
    const carrier = new PiggybackRunner(counted, recordTickCommand(cron, at) as RedisCommand);
    const firstReplies = await carrier.run([{ op: "ping" }]);
    const secondReplies = await carrier.run([{ op: "ping" }, { op: "ping" }]);
    expect(firstReplies).toEqual([{ ok: true, value: "PONG" }]);
    expect(secondReplies).toHaveLength(2);
    expect(requests.map((commands) => commands.map((command) => command.op))).toEqual([
      ["ping", "eval"],
      ["ping", "ping"],
    ]);
    expect(carrier.reply).toEqual({ ok: true, value: 1 });
    expect((await readTickRecord(runner))[cron]).toBe(at);
  });

  it("never moves a trigger's time back when an older tick arrives late", async () => {
    const cron = uniqueCron();
    const at = Date.now();
    await runner.run([recordTickCommand(cron, at) as RedisCommand]);
    await runner.run([recordTickCommand(cron, at - 60_000) as RedisCommand]);
    expect((await readTickRecord(runner))[cron]).toBe(at);
  });

  it(`keeps at most ${MAX_RECORDED_CRONS} expressions, the longest-silent making way for a new one`, async () => {
    // Minutes 10 to 21: ticks in one millisecond go oldest first by name, as they were fired.
    const crons = Array.from({ length: MAX_RECORDED_CRONS + 2 }, (_, i) => `${10 + i} 0 1 1 *`);
    for (const cron of crons) await runner.run([recordTickCommand(cron, Date.now()) as RedisCommand]);
    const record = await readTickRecord(runner);
    expect(Object.keys(record).length).toBeLessThanOrEqual(MAX_RECORDED_CRONS);
    expect(record).not.toHaveProperty(crons[0] as string);
    expect(record).not.toHaveProperty(crons[1] as string);
    expect(record).toHaveProperty(crons.at(-1) as string);
  });
});
