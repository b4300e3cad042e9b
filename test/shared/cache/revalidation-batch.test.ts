import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { RevalidationBatch } from "../../../shared/cache/revalidation-batch";

const options = { coalesceMs: 20, sendMarginMs: 200, lostAfterMs: 2500, maxPending: 3, maxPerCheck: 2 };
const check = (name: string, checkedUntil: number) => ({ key: { tenant: "t" as TenantId, key: name }, version: 1, checkedUntil });

describe("RevalidationBatch: the queue of copies due for a batched check", () => {
  it("schedules one send, shortly before the first queued copy runs out, and takes every copy queued by then", () => {
    const batch = new RevalidationBatch(options);
    expect(batch.add("a", check("a", 1000), 0)).toEqual({ waitMs: 800 });
    expect(batch.add("b", check("b", 1300), 100)).toBeUndefined();
    const { checks, next } = batch.take(800);
    expect(checks.map((c) => c.key.key)).toEqual(["a", "b"]);
    expect(next).toBeUndefined();
  });

  it("never waits less than the coalescing window, even for a copy already due", () => {
    expect(new RevalidationBatch(options).add("a", check("a", 100), 0)).toEqual({ waitMs: 20 });
  });

  it("does not queue a copy again while its check is out, until that check settles", () => {
    const batch = new RevalidationBatch(options);
    batch.add("a", check("a", 1000), 0);
    const { ids } = batch.take(800);
    expect(batch.add("a", check("a", 1000), 810)).toBeUndefined();
    expect(batch.size).toBe(0);
    batch.settle(ids);
    expect(batch.add("a", check("a", 1810), 900)).toEqual({ waitMs: 710 });
  });

  it("is bounded: past maxPending a copy is left to its next reader; one check takes at most maxPerCheck, the rest follow", () => {
    const batch = new RevalidationBatch(options);
    for (const name of ["a", "b", "c", "d"]) batch.add(name, check(name, 1000), 0);
    expect(batch.size).toBe(3);
    const first = batch.take(800);
    expect(first.checks).toHaveLength(2);
    expect(first.next).toEqual({ waitMs: 20 });
    expect(batch.take(820).checks.map((c) => c.key.key)).toEqual(["c"]);
  });

  it("replaces a schedule that was never sent (its request cancelled), and forgets checks that never settled", () => {
    const batch = new RevalidationBatch(options);
    expect(batch.add("a", check("a", 1000), 0)).toBeDefined();
    // The send planned for 800 never happened: a reader after 800 + lostAfterMs schedules again.
    expect(batch.add("b", check("b", 4000), 3200)).toBeUndefined();
    expect(batch.add("b", check("b", 4000), 3400)).toEqual({ waitMs: 400 });
    batch.take(3800);
    // Taken but never settled: only after lostAfterMs may it be queued again.
    expect(batch.add("a", check("a", 7000), 3900)).toBeUndefined();
    expect(batch.add("a", check("a", 7000), 6300)).toEqual({ waitMs: 500 });
    const later = new RevalidationBatch(options);
    later.add("x", check("x", 1000), 0);
    later.take(800);
    expect(later.add("x", check("x", 5000), 1000)).toBeUndefined();
    expect(later.add("x", check("x", 5000), 3400)).toEqual({ waitMs: 1400 });
  });

  it("carries a checked copy into the next check once, without replacing a read's own queueing", () => {
    const batch = new RevalidationBatch(options);
    batch.add("a", check("a", 1000), 0);
    batch.add("b", check("b", 1000), 0);
    const { ids } = batch.take(800);
    batch.settle(ids);
    // A read queues "a" again before the carry: the read's entry stays, not carried.
    batch.add("a", check("a", 1800), 850);
    batch.add("a", { ...check("a", 1800), carried: true }, 860);
    batch.add("b", { ...check("b", 1800), carried: true }, 860);
    const next = batch.take(1600).checks;
    expect(next.map((c) => [c.key.key, c.carried ?? false])).toEqual([
      ["a", false],
      ["b", true],
    ]);
  });
});
