import { describe, expect, it } from "vitest";
import { judgeRead } from "../../bench/chaos/traffic/read-check.ts";
import { makeValue, parseValue } from "../../bench/chaos/values.ts";

describe("chaos values", () => {
  const identity = { tenant: "alpha", key: "d/0/1/ключ", seq: 7, binary: false, length: 300 };

  it("round-trips the writer's identity, text and binary, large and repeating", () => {
    for (const binary of [false, true]) {
      expect(parseValue(makeValue({ ...identity, binary }))).toEqual({ ok: true, identity: { ...identity, binary } });
    }
    const large = { ...identity, length: 1024 * 1024 };
    expect(parseValue(makeValue(large, { periodBytes: 4096 }), { periodBytes: 4096 })).toEqual({ ok: true, identity: large });
  });

  it("makes binary values that are not UTF-8, so they travel as base64", () => {
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(makeValue({ ...identity, binary: true }))).toThrow();
  });

  it("detects a single flipped byte, a truncation and foreign bytes", () => {
    const value = makeValue(identity);
    const flipped = value.slice();
    flipped[200] = (flipped[200] as number) ^ 1;
    expect(parseValue(flipped).ok).toBe(false);
    expect(parseValue(value.subarray(0, 299)).ok).toBe(false);
    expect(parseValue(new TextEncoder().encode("hello")).ok).toBe(false);
  });

  it("flags a value read under another tenant, another key, or with a sequence never issued", () => {
    const value = makeValue(identity);
    expect(judgeRead(value, "alpha", identity.key, 7)).toEqual({ seq: 7 });
    expect(judgeRead(value, "beta", identity.key, 7).problem).toMatch(/tenant alpha/);
    expect(judgeRead(value, "alpha", "d/0/2/ключ", 7).problem).toMatch(/key/);
    expect(judgeRead(value, "alpha", identity.key, 6).problem).toMatch(/never issued/);
  });
});
