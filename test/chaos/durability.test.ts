import { describe, expect, it } from "vitest";
import { judgeDurability } from "../../bench/chaos/checks/durability.ts";
import type { WriteEvent } from "../../bench/chaos/traffic/journal.ts";

const write = (seq: number, outcome: WriteEvent["outcome"], end: number, ttlSeconds = 600): WriteEvent => ({
  kind: "write",
  recordId: seq,
  tenant: "alpha",
  key: "k",
  keyClass: "durable",
  start: end - 5,
  end,
  seq,
  outcome,
  ttlSeconds,
  swrSeconds: 0,
});

describe("durability judgement", () => {
  const writes = [write(1, "redis", 100), write(2, "memory", 200), write(3, "redis", 300), write(4, "failed", 400)];

  it("accepts the last acknowledged write, or a later unacknowledged one", () => {
    expect(judgeDurability(writes, { present: true, seq: 3 }, 1000, 4).verdict).toBe("latest");
    expect(judgeDurability(writes, { present: true, seq: 4 }, 1000, 4)).toMatchObject({ verdict: "later", storedWriteOutcome: "failed" });
  });

  it("reports a lost acknowledged write, and an older value over it", () => {
    expect(judgeDurability(writes, { present: false }, 1000, 4).verdict).toBe("lost");
    expect(judgeDurability(writes, { present: true, seq: 2 }, 1000, 4)).toMatchObject({ verdict: "older", storedWriteOutcome: "memory" });
  });

  it("counts only writes answered before the check began", () => {
    expect(judgeDurability(writes, { present: true, seq: 1 }, 250, 4).verdict).toBe("latest");
  });

  it("accepts absence once the last acknowledged write has expired", () => {
    const short = [write(1, "redis", 100, 1)];
    expect(judgeDurability(short, { present: false }, 1099, 1).verdict).toBe("lost");
    expect(judgeDurability(short, { present: false }, 1100, 1).verdict).toBe("expired");
  });

  it("treats unknown sequences and unreadable bytes as foreign", () => {
    expect(judgeDurability(writes, { present: true, seq: 9 }, 1000, 4).verdict).toBe("foreign");
    expect(judgeDurability([], { present: true, problem: "not a chaos value" }, 1000, 0).verdict).toBe("foreign");
  });
});
