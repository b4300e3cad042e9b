import { describe, expect, it } from "vitest";
import { metaRedisKey, tagTimesRedisKey } from "../../shared/redis/key-layout";
import { cachePath, redisRunner, sleep, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });
const invalidate = (tags: unknown) => ({ method: "POST", body: JSON.stringify({ tags }), headers: { "Content-Type": "application/json" } });

describe("POST /v1/invalidate", () => {
  it("hides entries with any of the tags, at once in this isolate and in a cold one", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    await app.as(alice!, cachePath("p1", "?tags=product,home"), put("p1"));
    await app.as(alice!, cachePath("p2", "?tags=home"), put("p2"));
    await app.as(alice!, cachePath("p3"), put("p3"));
    await app.as(bob!, cachePath("p1", "?tags=product"), put("bob p1"));
    const res = await app.as(alice!, "/v1/invalidate", invalidate(["product"]));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ invalidated: ["product"] });
    expect((await app.as(alice!, cachePath("p1"))).status).toBe(404);
    const cold = app.otherIsolate();
    expect((await cold.as(alice!, cachePath("p1"))).status).toBe(404);
    expect(await (await cold.as(alice!, cachePath("p2"))).text()).toBe("p2");
    expect(await (await cold.as(alice!, cachePath("p3"))).text()).toBe("p3");
    expect(await (await cold.as(bob!, cachePath("p1"))).text()).toBe("bob p1");
  });

  it("reaches another isolate's memory copy within L1_MAX_TTL", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k", "?tags=t"), put("v"));
    const other = app.otherIsolate();
    expect((await other.as(alice!, cachePath("k"))).status).toBe(200);
    await app.as(alice!, "/v1/invalidate", invalidate(["t"]));
    await sleep(1050);
    expect((await other.as(alice!, cachePath("k"))).status).toBe(404);
  });

  it("records when each tag was invalidated, beside its watermark, so old watermarks can be pruned", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    const before = Date.now();
    await app.as(alice!, "/v1/invalidate", invalidate(["a:b", "ü"]));
    const [reply] = await redisRunner().run([
      {
        op: "eval",
        script: "return {redis.call('HKEYS', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')}",
        keys: [metaRedisKey(alice!.tenant), tagTimesRedisKey(alice!.tenant)],
        args: [],
      },
    ]);
    const [fields, times] = (reply?.ok ? reply.value : [[], []]) as [string[], string[]];
    expect([...fields].sort()).toEqual(["seq", "tag:a:b", "tag:ü"]);
    expect([times[0], times[2]].sort()).toEqual(["tag:a:b", "tag:ü"]);
    for (const at of [times[1], times[3]]) expect(Math.abs(Number(at) - before)).toBeLessThan(5000);
  });

  it("refuses an empty or malformed tag list", async () => {
    const app = await testApp();
    for (const tags of [[], "t", [""], ["a,b"], Array.from({ length: 101 }, (_, i) => `t${i}`)]) {
      const res = await app.as(app.tenants[0]!, "/v1/invalidate", invalidate(tags));
      expect(res.status, JSON.stringify(tags)).toBe(400);
    }
  });
});
