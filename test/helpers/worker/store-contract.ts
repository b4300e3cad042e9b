import { describe, expect, it } from "vitest";
import { createEntry, type Entry } from "../../../shared/cache/entry";
import type { EntryKey, TenantId } from "../../../shared/cache/keys";
import type { Store } from "../../../shared/cache/store";
import { uniqueTenant } from "./test-env";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function entryOf(
  text: string,
  options: { ttl?: number; swr?: number; tags?: string[]; createdAt?: number } = {},
): Promise<Entry> {
  return createEntry(
    {
      value: encoder.encode(text),
      contentType: "text/plain",
      ttlSeconds: options.ttl ?? 60,
      swrSeconds: options.swr ?? 0,
      tags: options.tags ?? [],
    },
    options.createdAt ?? Date.now(),
  );
}

async function read(store: Store, key: EntryKey): Promise<string | undefined> {
  const lookup = await store.get(key);
  return lookup ? decoder.decode(lookup.entry.value) : undefined;
}

/**
 * What every Store adapter promises. Run against memory, Upstash and tiered stores alike, so a
 * behaviour that differs between tiers shows up here first.
 */
export function describeStoreContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    const keyOf = (tenant: TenantId, key: string): EntryKey => ({ tenant, key });

    it("misses a key that was never written", async () => {
      const store = await makeStore();
      expect(await store.get(keyOf(uniqueTenant(), "nothing"))).toBeUndefined();
    });

    it("returns what was set: bytes, content type, etag and tags", async () => {
      const store = await makeStore();
      const key = keyOf(uniqueTenant(), "a:b*c?[d]\\e/%f\u0000g😀");
      const entry = await entryOf("value", { tags: ["x", "y"] });
      expect(await store.set(key, entry)).toMatchObject({ status: "stored" });
      const lookup = await store.get(key);
      expect(lookup?.entry).toMatchObject({
        contentType: "text/plain",
        etag: entry.etag,
        tags: ["x", "y"],
        freshUntil: entry.freshUntil,
        staleUntil: entry.staleUntil,
      });
      expect(decoder.decode(lookup?.entry.value)).toBe("value");
    });

    it("replaces a value on a second set", async () => {
      const store = await makeStore();
      const key = keyOf(uniqueTenant(), "k");
      await store.set(key, await entryOf("one"));
      await store.set(key, await entryOf("two"));
      expect(await read(store, key)).toBe("two");
    });

    it("stores only-if-absent only when nothing is there", async () => {
      const store = await makeStore();
      const key = keyOf(uniqueTenant(), "k");
      expect(await store.set(key, await entryOf("first"), { onlyIfAbsent: true })).toMatchObject({ status: "stored" });
      expect(await store.set(key, await entryOf("second"), { onlyIfAbsent: true })).toEqual({ status: "exists" });
      expect(await read(store, key)).toBe("first");
    });

    it("deletes, and deleting a missing key is not an error", async () => {
      const store = await makeStore();
      const key = keyOf(uniqueTenant(), "k");
      await store.set(key, await entryOf("v"));
      expect(await store.delete(key)).toMatchObject({ status: "deleted" });
      expect(await store.get(key)).toBeUndefined();
      expect(await store.delete(key)).toMatchObject({ status: "deleted" });
    });

    it("stores a write made after a delete, only-if-absent included", async () => {
      const store = await makeStore();
      const key = keyOf(uniqueTenant(), "k");
      await store.set(key, await entryOf("before"));
      await store.delete(key);
      expect(await store.set(key, await entryOf("after"), { onlyIfAbsent: true })).toMatchObject({ status: "stored" });
      expect(await read(store, key)).toBe("after");
      await store.delete(key);
      await store.set(key, await entryOf("again"));
      expect(await read(store, key)).toBe("again");
    });

    it("serves an entry inside its stale window and drops it after", async () => {
      const store = await makeStore();
      const tenant = uniqueTenant();
      const stale = await entryOf("stale", { ttl: 1, swr: 60, createdAt: Date.now() - 5_000 });
      const gone = await entryOf("gone", { ttl: 1, swr: 1, createdAt: Date.now() - 5_000 });
      await store.set(keyOf(tenant, "stale"), stale);
      await store.set(keyOf(tenant, "gone"), gone);
      const lookup = await store.get(keyOf(tenant, "stale"));
      expect(lookup && lookup.entry.freshUntil < Date.now()).toBe(true);
      expect(await store.get(keyOf(tenant, "gone"))).toBeUndefined();
    });

    it("keeps tenants apart: the same key under two tenants holds two values", async () => {
      const store = await makeStore();
      const [a, b] = [uniqueTenant(), uniqueTenant()];
      await store.set(keyOf(a, "shared"), await entryOf("from a"));
      await store.set(keyOf(b, "shared"), await entryOf("from b"));
      await store.delete(keyOf(a, "shared"));
      expect(await read(store, keyOf(a, "shared"))).toBeUndefined();
      expect(await read(store, keyOf(b, "shared"))).toBe("from b");
    });

    it("clears one tenant entirely and no other", async () => {
      const store = await makeStore();
      const [a, b] = [uniqueTenant(), uniqueTenant()];
      for (const key of ["1", "2", "*", "a:e:b"]) {
        await store.set(keyOf(a, key), await entryOf(`a${key}`));
        await store.set(keyOf(b, key), await entryOf(`b${key}`));
      }
      await store.clear(a);
      for (const key of ["1", "2", "*", "a:e:b"]) {
        expect(await read(store, keyOf(a, key))).toBeUndefined();
        expect(await read(store, keyOf(b, key))).toBe(`b${key}`);
      }
      await store.set(keyOf(a, "1"), await entryOf("after clear"));
      expect(await read(store, keyOf(a, "1"))).toBe("after clear");
    });

    it("invalidates entries carrying a tag, only in that tenant, and not later writes", async () => {
      const store = await makeStore();
      const [a, b] = [uniqueTenant(), uniqueTenant()];
      await store.set(keyOf(a, "tagged"), await entryOf("t", { tags: ["news", "sport"] }));
      await store.set(keyOf(a, "other"), await entryOf("o", { tags: ["sport"] }));
      await store.set(keyOf(a, "plain"), await entryOf("p"));
      await store.set(keyOf(b, "tagged"), await entryOf("bt", { tags: ["news"] }));
      await store.invalidate(a, { tags: ["news"] });
      expect(await read(store, keyOf(a, "tagged"))).toBeUndefined();
      expect(await read(store, keyOf(a, "other"))).toBe("o");
      expect(await read(store, keyOf(a, "plain"))).toBe("p");
      expect(await read(store, keyOf(b, "tagged"))).toBe("bt");
      await store.set(keyOf(a, "tagged"), await entryOf("fresh", { tags: ["news"] }));
      expect(await read(store, keyOf(a, "tagged"))).toBe("fresh");
    });

    it("invalidates entries whose key starts with a prefix, byte for byte, only in that tenant, and not later writes", async () => {
      const store = await makeStore();
      const [a, b] = [uniqueTenant(), uniqueTenant()];
      const keys = ["product/42/price", "product/42", "product/420", "product/4", "a*[b]?:c", "a*[b]x", "aa", "ü/1", "u/1", "x"];
      for (const key of keys) {
        await store.set(keyOf(a, key), await entryOf(`a ${key}`));
        await store.set(keyOf(b, key), await entryOf(`b ${key}`));
      }
      // Glob and separator characters are plain bytes; a prefix may be a whole key.
      await store.invalidate(a, { prefixes: ["product/42", "a*[b]?", "ü/", "x"] });
      const hidden = ["product/42/price", "product/42", "product/420", "a*[b]?:c", "ü/1", "x"];
      for (const key of keys) {
        expect(await read(store, keyOf(a, key)), key).toBe(hidden.includes(key) ? undefined : `a ${key}`);
        expect(await read(store, keyOf(b, key)), key).toBe(`b ${key}`);
      }
      await store.set(keyOf(a, "product/42/price"), await entryOf("fresh"));
      expect(await read(store, keyOf(a, "product/42/price"))).toBe("fresh");
    });

    it("invalidates tags and prefixes in one call", async () => {
      const store = await makeStore();
      const tenant = uniqueTenant();
      await store.set(keyOf(tenant, "p/1"), await entryOf("1"));
      await store.set(keyOf(tenant, "q/1"), await entryOf("2", { tags: ["t"] }));
      await store.set(keyOf(tenant, "q/2"), await entryOf("3"));
      await store.invalidate(tenant, { tags: ["t"], prefixes: ["p/"] });
      expect([
        await read(store, keyOf(tenant, "p/1")),
        await read(store, keyOf(tenant, "q/1")),
        await read(store, keyOf(tenant, "q/2")),
      ]).toEqual([undefined, undefined, "3"]);
    });

    it("runs a batch in order, answering each operation in its place", async () => {
      const store = await makeStore();
      const tenant = uniqueTenant();
      await store.set(keyOf(tenant, "old"), await entryOf("old"));
      const results = await store.batch([
        { type: "get", key: keyOf(tenant, "old") },
        { type: "get", key: keyOf(tenant, "missing") },
        { type: "set", key: keyOf(tenant, "new"), entry: await entryOf("new") },
        { type: "get", key: keyOf(tenant, "new") },
        { type: "set", key: keyOf(tenant, "old"), entry: await entryOf("again"), options: { onlyIfAbsent: true } },
        { type: "delete", key: keyOf(tenant, "old") },
        { type: "get", key: keyOf(tenant, "old") },
      ]);
      expect(results.map((r) => r.type)).toEqual(["get", "get", "set", "get", "set", "delete", "get"]);
      const texts = results.map((r) =>
        r.type === "get" ? (r.lookup ? decoder.decode(r.lookup.entry.value) : null) : r.type === "set" ? r.result.status : r.type,
      );
      expect(texts).toEqual(["old", null, "stored", "new", "exists", "delete", null]);
    });
  });
}
