import { describe, expect, it } from "vitest";
import { parseEnv } from "../../../shared/env";

const current = { UPSTASH_REDIS_REST_URL: "https://eu1-current.upstash.io", UPSTASH_REDIS_REST_TOKEN: "current-token" };
const next = { UPSTASH_REDIS_REST_URL_NEXT: "https://us1-next.upstash.io", UPSTASH_REDIS_REST_TOKEN_NEXT: "next-token" };

const problems = (env: Record<string, string>) => {
  const parsed = parseEnv(env);
  return parsed.ok ? [] : parsed.problems;
};

describe("L2 migration config, checked before anything is built or written", () => {
  it("accepts every phase with two databases, and off without a second one", () => {
    for (const phase of ["off", "dual-write", "read-new", "new-only"])
      expect(problems({ ...current, ...next, L2_MIGRATION_PHASE: phase })).toEqual([]);
    expect(problems(current)).toEqual([]);
  });

  it("refuses a phase without the database to move to, naming the variable", () => {
    for (const phase of ["dual-write", "read-new", "new-only"]) {
      expect(problems({ ...current, L2_MIGRATION_PHASE: phase })).toEqual([
        `UPSTASH_REDIS_REST_URL_NEXT: is required when L2_MIGRATION_PHASE is ${phase} (the database to move to)`,
      ]);
    }
  });

  it("refuses the same database twice", () => {
    const same = { UPSTASH_REDIS_REST_URL_NEXT: "https://EU1-current.upstash.io/", UPSTASH_REDIS_REST_TOKEN_NEXT: "t" };
    expect(problems({ ...current, ...same, L2_MIGRATION_PHASE: "dual-write" })).toEqual([
      "UPSTASH_REDIS_REST_URL_NEXT: names the same database as UPSTASH_REDIS_REST_URL: a move needs two databases",
    ]);
  });

  it("refuses an unknown phase, a second database without its token, and a move in memory-only mode", () => {
    expect(problems({ ...current, ...next, L2_MIGRATION_PHASE: "dual_write" })).toEqual([
      "L2_MIGRATION_PHASE: must be one of off, dual-write, read-new, new-only",
    ]);
    expect(problems({ ...current, UPSTASH_REDIS_REST_URL_NEXT: next.UPSTASH_REDIS_REST_URL_NEXT })).toEqual([
      "UPSTASH_REDIS_REST_TOKEN_NEXT: is required when UPSTASH_REDIS_REST_URL_NEXT is set",
    ]);
    expect(problems({ ...current, ...next, EDGE_CACHE_STORE: "memory", L2_MIGRATION_PHASE: "read-new" })).toEqual([
      "L2_MIGRATION_PHASE: is read-new, but EDGE_CACHE_STORE is memory: there is no L2 to move",
    ]);
  });

  it("needs the database moved from while both are called, not once only the new one is", () => {
    expect(problems({ ...next, L2_MIGRATION_PHASE: "dual-write" })).toEqual([
      "UPSTASH_REDIS_REST_URL: is required when L2_MIGRATION_PHASE is dual-write (the database to move from)",
    ]);
    expect(problems({ ...next, L2_MIGRATION_PHASE: "new-only" })).toEqual([]);
  });

  it("never echoes a secret in a problem", () => {
    const found = problems({
      ...current,
      UPSTASH_REDIS_REST_URL_NEXT: "https://eu1-current.upstash.io",
      UPSTASH_REDIS_REST_TOKEN_NEXT: "s3cret-next",
      L2_MIGRATION_PHASE: "read-new",
    });
    expect(found.join("\n")).not.toContain("s3cret");
    expect(found.join("\n")).not.toContain("eu1-current");
  });
});
