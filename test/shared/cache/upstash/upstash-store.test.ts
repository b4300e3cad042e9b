import { describe, expect, it } from "vitest";
import type { EntryKey } from "../../../../shared/cache/keys";
import { MemoryStore } from "../../../../shared/cache/memory-store";
import type { Store } from "../../../../shared/cache/store";
import { TieredStore } from "../../../../shared/cache/tiered-store";
import { SUPERSEDED } from "../../../../shared/cache/upstash/entry-scripts";
import { UpstashStore } from "../../../../shared/cache/upstash/upstash-store";
import { CircuitBreaker } from "../../../../shared/redis/circuit-breaker";
import { runCalls } from "../../../../shared/redis/script-runner";
import { entryOf } from "../../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, uniqueTenant } from "../../../helpers/worker/test-env";

const store = () => new UpstashStore({ runner: redisRunner(), codec: { compressionThresholdBytes: 1024 } });

describe("UpstashStore.revalidate", () => {
  it("says unchanged for the version held, changed after a write, absent after a delete", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const first = await l2.set(key, await entryOf("one"));
    if (first.status !== "stored") throw new Error("not stored");
    expect(first.entry.version).toBeGreaterThan(0);
    expect(await l2.revalidate(key, first.entry.version)).toEqual({ status: "unchanged" });
    await l2.set(key, await entryOf("two"));
    const changed = await l2.revalidate(key, first.entry.version);
    expect(changed.status).toBe("changed");
    expect(changed.status === "changed" && new TextDecoder().decode(changed.entry.value)).toBe("two");
    await l2.delete(key);
    expect(await l2.revalidate(key, first.entry.version)).toEqual({ status: "absent" });
  });

  it("says absent for a version that was cleared", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const stored = await l2.set(key, await entryOf("v"));
    await l2.clear(key.tenant);
    expect(await l2.revalidate(key, stored.status === "stored" ? stored.entry.version : 0)).toEqual({ status: "absent" });
  });
});

describe("script calls", () => {
  it("keep a pipeline's order the first time a runner meets a script: a read sees no write behind it", async () => {
    const { control, token } = await gatewayScope();
    const runner = redisRunner(token);
    const key = `test:${crypto.randomUUID()}`;
    // Sources Redis has never seen: as EVALSHA the read would fail NOSCRIPT and be re-sent after the write.
    const read = { name: "probe-read", source: `-- ${crypto.randomUUID()}\nreturn redis.call('GET', KEYS[1])` };
    const write = { name: "probe-write", source: `-- ${crypto.randomUUID()}\nreturn redis.call('SET', KEYS[1], ARGV[1])` };
    await runCalls(runner, [{ script: write, keys: [key], args: ["before"] }]);
    await control.resetCounters();
    const [seen] = await runCalls(runner, [
      { script: read, keys: [key], args: [] },
      { script: write, keys: [key], args: ["after"] },
    ]);
    expect(seen).toEqual({ ok: true, value: "before" });
    expect((await control.counters()).commands.byName).toEqual({ eval: 1, evalsha: 1 });
    // Seen once, each goes by its SHA from then on.
    await control.resetCounters();
    await runCalls(runner, [
      { script: read, keys: [key], args: [] },
      { script: write, keys: [key], args: ["again"] },
    ]);
    expect((await control.counters()).commands.byName).toEqual({ evalsha: 2 });
  });

  it("fall back to EVAL when Redis does not know the script (NOSCRIPT), then use EVALSHA", async () => {
    const { control, token } = await gatewayScope();
    const runner = redisRunner(token);
    const script = { name: "probe", source: `return '${crypto.randomUUID()}'` };
    await control.resetCounters();
    const [first] = await runCalls(runner, [{ script, keys: [], args: [] }]);
    expect(first).toEqual({ ok: true, value: script.source.slice(8, -1) });
    expect((await control.counters()).commands.byName).toMatchObject({ evalsha: 1, eval: 1 });
    await control.resetCounters();
    await runCalls(runner, [{ script, keys: [], args: [] }]);
    expect((await control.counters()).commands.byName).toEqual({ evalsha: 1 });
  });
});

const decoder = new TextDecoder();
const text = async (l2: Store, key: EntryKey) => {
  const lookup = await l2.get(key);
  return lookup ? decoder.decode(lookup.entry.value) : undefined;
};

/** Writes are ordered by their entries' creation time, not by when they reach Redis (finding 1 of bench/CHAOS.md). */
describe("a late write (real Redis through the gateway)", () => {
  it("does not replace an entry created after it, and is answered as stored then overwritten", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const now = Date.now();
    const older = await entryOf("older", { createdAt: now - 500 });
    expect(await l2.set(key, await entryOf("newer", { createdAt: now }))).toMatchObject({ status: "stored", durability: "shared" });
    const late = await l2.set(key, older);
    expect(late).toEqual({ status: "stored", durability: "shared", entry: { ...older, version: 0 } });
    expect(await text(l2, key)).toBe("newer");
  });

  it("still replaces an entry created before it", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const now = Date.now();
    await l2.set(key, await entryOf("older", { createdAt: now - 500 }));
    const written = await l2.set(key, await entryOf("newer", { createdAt: now }));
    expect(written.status === "stored" && written.entry.version).toBeGreaterThan(0);
    expect(await text(l2, key)).toBe("newer");
  });

  it("orders two writes of one isolate created in the same millisecond as they were made, whatever their arrival", async () => {
    const runner = redisRunner();
    const held: Parameters<typeof runner.run>[0][] = [];
    // Holds each write's commands instead of sending them, to deliver them out of order.
    const holding = new UpstashStore({
      runner: {
        async run(commands) {
          held.push(commands);
          return commands.map(() => ({ ok: true as const, value: 1 }));
        },
      },
      codec: { compressionThresholdBytes: 1024 },
    });
    const key = { tenant: uniqueTenant(), key: "k" };
    const now = Date.now();
    await holding.set(key, await entryOf("first", { createdAt: now }));
    await holding.set(key, await entryOf("second", { createdAt: now }));
    // Loads the script, so the held EVALSHAs find it.
    await store().set({ tenant: uniqueTenant(), key: "load" }, await entryOf("x"));
    const [second, first] = [await runner.run(held[1] ?? []), await runner.run(held[0] ?? [])];
    expect(second[0]).toMatchObject({ ok: true, value: expect.any(Number) });
    expect(first[0]).toEqual({ ok: true, value: SUPERSEDED });
    expect(await text(store(), key)).toBe("second");
  });

  it("stores a transport retry of the same write again", async () => {
    const runner = redisRunner();
    const sent: Parameters<typeof runner.run>[0][] = [];
    // Records the commands of one write, to send them again as a retrying transport would.
    const recording = new UpstashStore({
      runner: {
        run(commands) {
          sent.push(commands);
          return runner.run(commands);
        },
      },
      codec: { compressionThresholdBytes: 1024 },
    });
    const key = { tenant: uniqueTenant(), key: "k" };
    const first = await recording.set(key, await entryOf("v"));
    if (first.status !== "stored") throw new Error("not stored");
    const [again] = await runner.run(sent.at(-1) ?? []);
    expect(again).toEqual({ ok: true, value: first.entry.version + 1 });
    expect(await text(store(), key)).toBe("v");
  });

  it("keeps a cleared newer entry hidden: an older write arriving after the clear stays out", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const now = Date.now();
    await l2.set(key, await entryOf("newer", { createdAt: now }));
    await l2.clear(key.tenant);
    await l2.set(key, await entryOf("older", { createdAt: now - 500 }));
    expect(await text(l2, key)).toBeUndefined();
    await l2.set(key, await entryOf("after the clear", { createdAt: Date.now() + 1 }));
    expect(await text(l2, key)).toBe("after the clear");
  });

  it("compares entries whose header is longer than the prefix the script reads first", async () => {
    const l2 = store();
    const key = { tenant: uniqueTenant(), key: "k" };
    const tags = Array.from({ length: 200 }, (_, i) => `a-long-tag-name-to-fill-the-header-${i}`);
    const now = Date.now();
    await l2.set(key, await entryOf("newer", { createdAt: now, tags }));
    await l2.set(key, await entryOf("older", { createdAt: now - 500, tags }));
    expect(await text(l2, key)).toBe("newer");
  });

  it("applies the same rule to sets in a batch", async () => {
    const l2 = store();
    const [late, fresh] = [
      { tenant: uniqueTenant(), key: "late" },
      { tenant: uniqueTenant(), key: "fresh" },
    ];
    const now = Date.now();
    await l2.set(late, await entryOf("newer", { createdAt: now }));
    const results = await l2.batch([
      { type: "set", key: late, entry: await entryOf("older", { createdAt: now - 500 }) },
      { type: "set", key: fresh, entry: await entryOf("first", { createdAt: now - 500 }) },
      { type: "get", key: late },
    ]);
    expect(results.map((r) => r.type === "set" && r.result.status)).toEqual(["stored", "stored", false]);
    expect(results[2]?.type === "get" && decoder.decode(results[2].lookup?.entry.value)).toBe("newer");
    expect(await text(l2, fresh)).toBe("first");
  });

  it("leaves the tiered store serving the newer entry once its L1 copy is next checked", async () => {
    const l1MaxTtlMs = 50;
    const tiered = new TieredStore({
      l1: new MemoryStore(),
      l2: store(),
      breaker: new CircuitBreaker(),
      l1MaxTtlMs,
      l1GraceMs: 60_000,
    });
    const key = { tenant: uniqueTenant(), key: "k" };
    const now = Date.now();
    // Another isolate wrote the newer entry: this one never held it.
    await store().set(key, await entryOf("newer", { createdAt: now }));
    expect(await tiered.set(key, await entryOf("older", { createdAt: now - 500 }))).toMatchObject({
      status: "stored",
      durability: "shared",
    });
    await new Promise((resolve) => setTimeout(resolve, l1MaxTtlMs + 10));
    expect(await text(tiered, key)).toBe("newer");
  });
});

describe("a batch's reads (real Redis through the gateway)", () => {
  const value = (result: unknown) => {
    const lookup = (result as { type: string; lookup?: { entry: { value: Uint8Array } } }).lookup;
    return lookup ? decoder.decode(lookup.entry.value) : undefined;
  };

  it("send a run of consecutive gets as one command, answering each as a single get would", async () => {
    const { control, token } = await gatewayScope();
    const l2 = new UpstashStore({ runner: redisRunner(token), codec: { compressionThresholdBytes: 1024 } });
    const tenant = uniqueTenant();
    const key = (k: string) => ({ tenant, key: k });
    await l2.set(key("plain"), await entryOf("one"));
    await l2.set(key("tagged"), await entryOf("two", { tags: ["t"] }));
    await l2.set(key("deleted"), await entryOf("three"));
    await l2.delete(key("deleted"));
    await l2.set(key("big"), await entryOf("x".repeat(5000)));
    await l2.invalidate(tenant, { tags: ["t"] });
    await l2.batch(["plain", "tagged"].map((k) => ({ type: "get" as const, key: key(k) }))); // loads the script once (NOSCRIPT, EVAL)
    await control.resetCounters();

    const keys = ["plain", "tagged", "deleted", "missing", "big"];
    const results = await l2.batch(keys.map((k) => ({ type: "get" as const, key: key(k) })));

    expect(results.map(value)).toEqual(["one", undefined, undefined, undefined, "x".repeat(5000)]);
    const counters = await control.counters();
    expect(counters.commands.byName).toEqual({ evalsha: 1 });
    for (const k of keys) expect(value((await l2.batch([{ type: "get", key: key(k) }]))[0])).toBe(results.map(value)[keys.indexOf(k)]);
  });

  it("keep the batch's order: a read sees the writes before it and none after", async () => {
    const { control, token } = await gatewayScope();
    const l2 = new UpstashStore({ runner: redisRunner(token), codec: { compressionThresholdBytes: 1024 } });
    const tenant = uniqueTenant();
    const a = { tenant, key: "a" };
    const b = { tenant, key: "b" };
    await l2.set(a, await entryOf("a0"));
    await l2.set(b, await entryOf("b0"));
    // Every script this batch uses, loaded once (a first call is NOSCRIPT, then EVAL).
    await l2.delete({ tenant, key: "other" });
    await l2.batch([{ type: "get", key: a }]);
    await l2.batch([
      { type: "get", key: a },
      { type: "get", key: b },
    ]);
    await control.resetCounters();

    const results = await l2.batch([
      { type: "get", key: a },
      { type: "get", key: b },
      { type: "set", key: a, entry: await entryOf("a1") },
      { type: "get", key: a },
      { type: "delete", key: b },
      { type: "get", key: a },
      { type: "get", key: b },
    ]);

    expect(results.map((r) => (r.type === "get" ? value(r) : r.type))).toEqual(["a0", "b0", "set", "a1", "delete", "a1", undefined]);
    // Two runs of reads (1 call each), one lone read, a set and a delete.
    expect((await control.counters()).commands.byName).toEqual({ evalsha: 5 });
  });
});
