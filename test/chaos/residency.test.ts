import { describe, expect, it } from "vitest";
import { residencyAt } from "../../bench/chaos/checks/residency.ts";
import type { KeyEvent, ReadEvent, WriteEvent } from "../../bench/chaos/traffic/journal.ts";

const base = { tenant: "alpha", key: "s/0/0", keyClass: "short" as const };
const write = (seq: number, outcome: WriteEvent["outcome"], start: number): WriteEvent => ({
  ...base,
  kind: "write",
  recordId: seq,
  start,
  end: start + 10,
  seq,
  outcome,
  ttlSeconds: 2,
  swrSeconds: 1,
});
const read = (start: number, outcome: ReadEvent["outcome"], extra: Partial<ReadEvent> = {}): ReadEvent => ({
  ...base,
  kind: "read",
  recordId: 100 + start,
  start,
  end: start + 5,
  outcome,
  ...extra,
});

describe("L1 residency", () => {
  const grace = 10_000;

  it("holds a 201 write through its stale window plus the grace", () => {
    const failed = read(12_000, "unavailable");
    expect(residencyAt(failed, [write(1, "redis", 0), failed], grace).resident).toBe(true);
    const late = read(13_000, "unavailable");
    expect(residencyAt(late, [write(1, "redis", 0), late], grace).resident).toBe(false);
  });

  it("gives a memory-only (202) write no grace", () => {
    const failed = read(4000, "unavailable");
    expect(residencyAt(failed, [write(1, "memory", 0), failed], grace)).toMatchObject({ resident: false });
  });

  it("lets a later 202 write shorten what an earlier 201 established", () => {
    const failed = read(6000, "unavailable");
    expect(residencyAt(failed, [write(1, "redis", 0), write(2, "memory", 1000), failed], grace).resident).toBe(false);
  });

  it("gives up once a miss or a delete may have dropped the copy", () => {
    const failed = read(5000, "unavailable");
    const history: KeyEvent[] = [write(1, "redis", 0), read(4000, "miss"), failed];
    expect(residencyAt(failed, history, grace)).toMatchObject({ resident: false });
  });

  it("counts a read of a value back as keeping it, by its write's kind", () => {
    const failed = read(12_000, "unavailable");
    const history: KeyEvent[] = [write(1, "failed", 0), read(500, "hit", { seq: 1, cache: "HIT-L2" }), failed];
    expect(residencyAt(failed, history, grace).resident).toBe(true);
  });
});
