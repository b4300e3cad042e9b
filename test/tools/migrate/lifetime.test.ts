import { describe, expect, it } from "vitest";
import { lifetimeOf } from "../../../tools/migrate/lifetime.ts";

const options = { defaultTtlSeconds: 3600, maxTtlSeconds: 86_400 };

describe("entry lifetimes", () => {
  it("treats a key with no time left as expired", () => {
    expect(lifetimeOf(0, options)).toEqual({ kind: "expired" });
    expect(lifetimeOf(-2, options)).toEqual({ kind: "expired" });
  });

  it("rounds remaining milliseconds up to whole seconds, never to zero", () => {
    expect(lifetimeOf(1, options)).toEqual({ kind: "ttl", seconds: 1, defaulted: false, clamped: false });
    expect(lifetimeOf(1000, options)).toEqual({ kind: "ttl", seconds: 1, defaulted: false, clamped: false });
    expect(lifetimeOf(1001, options)).toEqual({ kind: "ttl", seconds: 2, defaulted: false, clamped: false });
  });

  it("gives a key without TTL the default", () => {
    expect(lifetimeOf(undefined, options)).toEqual({ kind: "ttl", seconds: 3600, defaulted: true, clamped: false });
  });

  it("shortens a TTL over the maximum to it, the default as well", () => {
    expect(lifetimeOf(86_400_000, options)).toEqual({ kind: "ttl", seconds: 86_400, defaulted: false, clamped: false });
    expect(lifetimeOf(86_400_001, options)).toEqual({ kind: "ttl", seconds: 86_400, defaulted: false, clamped: true });
    expect(lifetimeOf(undefined, { defaultTtlSeconds: 90_000, maxTtlSeconds: 86_400 })).toEqual({
      kind: "ttl",
      seconds: 86_400,
      defaulted: true,
      clamped: true,
    });
  });

  it("refuses options and TTLs the rules cannot use", () => {
    expect(() => lifetimeOf(1000, { defaultTtlSeconds: 0, maxTtlSeconds: 10 })).toThrow(
      "defaultTtlSeconds must be a whole number of seconds ≥ 1, not 0",
    );
    expect(() => lifetimeOf(1000, { defaultTtlSeconds: 10, maxTtlSeconds: 1.5 })).toThrow(RangeError);
    expect(() => lifetimeOf(Number.NaN, options)).toThrow("ttlMs is NaN");
  });
});
