import { describe, expect, it } from "vitest";
import { cachePath, gatewayScope, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

describe("GET with refresh ahead on (L1_REFRESH_AHEAD_MS)", () => {
  it("answers L1 hits without Redis on their path, and checks every copy they read in one request behind them", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({
      vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000", L1_MAX_TTL_SECONDS: "2", L1_REFRESH_AHEAD_MS: "2000" },
    });
    const alice = app.tenants[0]!;
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    for (const key of keys) expect((await app.as(alice, cachePath(key), put(key))).status).toBe(201);
    await control.resetCounters();
    // Each GET is answered from L1 and queues its copy; the first one's background work waits
    // until shortly before the copies run out and checks them all at once. The test app waits
    // for background work after each request, so the GETs go side by side.
    const answers = await Promise.all(keys.map((key) => app.as(alice, cachePath(key))));
    expect(answers.map((answer) => answer.headers.get("X-Cache"))).toEqual(keys.map(() => "HIT-L1"));
    const counted = await control.counters();
    // One check for the ten copies and, once, their carry-over into the next bound: two script calls
    // (and an EVAL re-send if Redis had not seen the script yet); nothing on the GETs' paths.
    expect(counted.commands.byName.evalsha).toBe(2);
    expect(counted.commands.byName.eval ?? 0).toBeLessThanOrEqual(1);
    expect(counted.commands.total).toBe(counted.requests.total);
  });
});
