import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cachePath, type TestApp, testApp } from "../helpers/worker/test-env";

// Keys chosen to collide if any layer confused tenants, globbed, or unescaped.
const hostileKey = fc
  .array(fc.constantFrom(":", "*", "?", "[", "]", "\\", "/", "%", "\u0000", "e:", "ec:", "a", "😀", "ü", "-"), {
    minLength: 1,
    maxLength: 6,
  })
  .map((parts) => parts.join(""));

const tag = fc.constantFrom("t1", "t2", "*", "t:1");

// Prefixes from the same bytes: each is plain bytes, never a pattern, and never reaches past its tenant.
const hostilePrefix = fc
  .array(fc.constantFrom(":", "*", "?", "[", "\\", "/", "%", "\u0000", "e:", "ec:", "a", "😀", "ü"), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join(""));

type Op =
  | { kind: "put"; who: 0 | 1; key: string; value: string; tags: string[] }
  | { kind: "delete"; who: 0 | 1; key: string }
  | { kind: "clear"; who: 0 | 1 }
  | { kind: "invalidate"; who: 0 | 1; tag: string }
  | { kind: "invalidatePrefix"; who: 0 | 1; prefix: string }
  | { kind: "batchSet"; who: 0 | 1; key: string; value: string };

const who = fc.constantFrom(0 as const, 1 as const);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("put" as const),
      who,
      key: hostileKey,
      value: fc.string({ maxLength: 8 }),
      tags: fc.uniqueArray(tag, { maxLength: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), who, key: hostileKey }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("clear" as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("invalidate" as const), who, tag }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("invalidatePrefix" as const), who, prefix: hostilePrefix }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("batchSet" as const), who, key: hostileKey, value: fc.string({ maxLength: 8 }) }) },
);

type Model = Map<string, { value: string; tags: string[] }>;

async function apply(app: TestApp, models: [Model, Model], step: Op): Promise<void> {
  const tenant = app.tenants[step.who]!;
  const model = models[step.who];
  const json = (body: unknown): RequestInit => ({
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
  switch (step.kind) {
    case "put": {
      const query = step.tags.length ? `?tags=${encodeURIComponent(step.tags.join(","))}` : "";
      const res = await app.as(tenant, cachePath(step.key, query), {
        method: "PUT",
        body: step.value,
        headers: { "Content-Type": "text/plain" },
      });
      expect(res.status).toBe(201);
      model.set(step.key, { value: step.value, tags: step.tags });
      return;
    }
    case "delete":
      expect((await app.as(tenant, cachePath(step.key), { method: "DELETE" })).status).toBe(204);
      model.delete(step.key);
      return;
    case "clear":
      expect((await app.as(tenant, "/v1/cache", { method: "DELETE" })).status).toBe(204);
      model.clear();
      return;
    case "invalidate":
      expect((await app.as(tenant, "/v1/invalidate", json({ tags: [step.tag] }))).status).toBe(200);
      for (const [key, entry] of model) if (entry.tags.includes(step.tag)) model.delete(key);
      return;
    case "invalidatePrefix":
      expect((await app.as(tenant, "/v1/invalidate", json({ prefixes: [step.prefix] }))).status).toBe(200);
      for (const key of model.keys()) if (key.startsWith(step.prefix)) model.delete(key);
      return;
    case "batchSet":
      expect((await app.as(tenant, "/v1/batch", json({ set: [{ key: step.key, value: step.value }] }))).status).toBe(200);
      model.set(step.key, { value: step.value, tags: [] });
      return;
  }
}

/** Every key either tenant ever touched reads back exactly as that tenant's model says. */
async function expectMatchesModels(app: TestApp, models: [Model, Model], keys: Set<string>): Promise<void> {
  for (const index of [0, 1] as const) {
    const tenant = app.tenants[index]!;
    for (const key of keys) {
      const res = await app.as(tenant, cachePath(key));
      const expected = models[index].get(key);
      if (expected) {
        expect(res.status, `tenant ${index} key ${JSON.stringify(key)}`).toBe(200);
        expect(await res.text()).toBe(expected.value);
      } else {
        expect(res.status, `tenant ${index} key ${JSON.stringify(key)}`).toBe(404);
      }
    }
  }
}

describe("tenant isolation (model-based, hostile keys)", () => {
  it("no sequence of one tenant's writes, deletes, clears or tag and prefix invalidations is seen by the other", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const app = await testApp({ vars: { STATS_FLUSH_INTERVAL_MS: "3600000" } });
        const models: [Model, Model] = [new Map(), new Map()];
        const keys = new Set<string>();
        for (const step of ops) {
          if ("key" in step) keys.add(step.key);
          await apply(app, models, step);
        }
        await expectMatchesModels(app, models, keys);
        // A cold isolate reads Redis only: the same answers must come from L2.
        await expectMatchesModels(app.otherIsolate(), models, keys);
      }),
      { numRuns: 40 },
    );
  });

  it("counts a tenant's operations only in that tenant's stats", async () => {
    const app = await testApp({ vars: { STATS_FLUSH_INTERVAL_MS: "1" } });
    const [alice, bob] = app.tenants;
    for (let i = 0; i < 5; i++)
      await app.as(alice!, cachePath(`k${i}`), { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } });
    await app.as(alice!, cachePath("k0"));
    const bobStats = (await (await app.otherIsolate().as(bob!, "/v1/stats")).json()) as { counters: Record<string, number> };
    expect(Object.values(bobStats.counters).every((n) => n === 0)).toBe(true);
    const aliceStats = (await (await app.otherIsolate().as(alice!, "/v1/stats")).json()) as { counters: Record<string, number> };
    expect(aliceStats.counters.sets).toBe(5);
  });
});
