import { describe, expect, it } from "vitest";
import { SieveCache } from "../../../shared/cache/sieve-cache";

describe("SieveCache", () => {
  it("holds no more entries than its budget in bytes, however many keys are written", () => {
    const cache = new SieveCache<number>({ budgetBytes: 100 });
    for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, i, 1);
    expect(cache.size).toBe(100);
    expect(() => cache.set("weightless", 0, 0)).toThrow(RangeError);
    expect(() => cache.set("unknown", 0, Number.NaN)).toThrow(RangeError);
  });

  it("never holds more bytes than its budget", () => {
    const cache = new SieveCache<number>({ budgetBytes: 1000 });
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, i, 10 + (i % 90));
      expect(cache.bytes).toBeLessThanOrEqual(1000);
    }
    let sum = 0;
    for (const key of cache.keys()) sum += 10 + (Number(key.slice(1)) % 90);
    expect(sum).toBe(cache.bytes);
  });

  it("keeps entries read since they were inserted and evicts the unvisited", () => {
    const cache = new SieveCache<string>({ budgetBytes: 3 });
    cache.set("a", "a", 1);
    cache.set("b", "b", 1);
    cache.set("c", "c", 1);
    cache.get("a");
    cache.set("d", "d", 1);
    expect(cache.has("a")).toBe(true);
    expect(cache.has("b")).toBe(false);
    expect([...cache.keys()].sort()).toEqual(["a", "c", "d"]);
  });

  it("keeps a one-off scan from flushing a hot set (where LRU would lose it)", () => {
    const cache = new SieveCache<number>({ budgetBytes: 10 });
    for (let i = 0; i < 5; i++) cache.set(`hot${i}`, i, 1);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) cache.get(`hot${i}`);
      for (let i = 0; i < 8; i++) cache.set(`scan${round}-${i}`, i, 1);
    }
    for (let i = 0; i < 5; i++) expect(cache.has(`hot${i}`)).toBe(true);
  });

  it("refuses an entry larger than the whole budget without evicting anything", () => {
    const cache = new SieveCache<string>({ budgetBytes: 10 });
    cache.set("a", "a", 5);
    expect(cache.set("big", "big", 11)).toBe(false);
    expect(cache.has("a")).toBe(true);
    expect(cache.bytes).toBe(5);
  });

  it("reports every removal, so callers can keep their own accounting", () => {
    const removed: string[] = [];
    const cache = new SieveCache<string>({ budgetBytes: 2, onRemove: (key) => removed.push(key) });
    cache.set("a", "1", 1);
    cache.set("a", "2", 1);
    cache.set("b", "b", 1);
    cache.set("c", "c", 1);
    cache.delete("c");
    expect(removed).toEqual(["a", "a", "c"]);
    expect(cache.size).toBe(1);
  });
});
