import { describe, expect, it } from "vitest";
import { metaRedisKey, tagTimesRedisKey } from "../../shared/redis/key-layout";
import { cachePath, redisRunner, sleep, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });
const post = (body: unknown) => ({ method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
const invalidate = (tags: unknown) => post({ tags });

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
    expect(await res.json()).toEqual({ invalidated: ["product"], invalidatedPrefixes: [] });
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

  it("hides entries under any of the prefixes, at once here and within L1_MAX_TTL in another isolate, counting them", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    for (const key of ["product/42/price", "product/43/price", "cart/1"]) await app.as(alice!, cachePath(key), put(key));
    await app.as(bob!, cachePath("product/42/price"), put("bob"));
    const other = app.otherIsolate();
    expect((await other.as(alice!, cachePath("product/42/price"))).status).toBe(200);

    const res = await app.as(alice!, "/v1/invalidate", post({ prefixes: ["product/42/", "product/42/"], tags: ["t"] }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ invalidated: ["t"], invalidatedPrefixes: ["product/42/"] });
    expect((await app.as(alice!, cachePath("product/42/price"))).status).toBe(404);
    expect(await (await app.as(alice!, cachePath("product/43/price"))).text()).toBe("product/43/price");
    expect(await (await app.as(bob!, cachePath("product/42/price"))).text()).toBe("bob");
    await sleep(1050);
    expect((await other.as(alice!, cachePath("product/42/price"))).status).toBe(404);

    const stats = (await (await app.as(alice!, "/v1/stats")).json()) as { counters: Record<string, number> };
    expect(stats.counters).toMatchObject({ tagInvalidations: 1, prefixInvalidations: 1 });
  });

  it("refuses an empty prefix, a malformed one, and more than 100 tags and prefixes in all", async () => {
    const app = await testApp();
    const tooMany = { tags: Array.from({ length: 50 }, (_, i) => `t${i}`), prefixes: Array.from({ length: 51 }, (_, i) => `p${i}`) };
    for (const body of [
      { prefixes: [""] },
      { prefixes: ["a", ""] },
      { prefixes: ["x".repeat(513)] },
      { prefixes: "p/" },
      { prefixes: [] },
      tooMany,
    ]) {
      const res = await app.as(app.tenants[0]!, "/v1/invalidate", post(body));
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_body");
    }
  });

  it("answers 409 too_many_prefix_lengths past the tenant's distinct prefix lengths, invalidating nothing", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k".repeat(40)), put("kept"));
    const prefixes = Array.from({ length: 32 }, (_, i) => "p".repeat(i + 1));
    expect((await app.as(alice!, "/v1/invalidate", post({ prefixes }))).status).toBe(200);
    const res = await app.as(alice!, "/v1/invalidate", post({ prefixes: ["k".repeat(40)] }));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_many_prefix_lengths");
    expect(await (await app.otherIsolate().as(alice!, cachePath("k".repeat(40)))).text()).toBe("kept");
  });
});
