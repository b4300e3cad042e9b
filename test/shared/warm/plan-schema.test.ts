import { describe, expect, it } from "vitest";
import { type Config, parseEnv } from "../../../shared/env";
import { WARM_CEILINGS } from "../../../shared/tenants/tenant-record";
import { expandTargets, planSchema, type WarmPlan } from "../../../shared/warm/plan-schema";

const parsed = parseEnv({});
if (!parsed.ok) throw new Error("defaults must parse");
const config: Config = parsed.config;
const schema = planSchema(config);

const firstProblem = (input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? undefined : `${result.error.issues[0]?.path.join(".")}: ${result.error.issues[0]?.message}`;
};

describe("warm plan schema", () => {
  it("normalises an interval to its cron and fills defaults", () => {
    const plan = schema.parse({ schedule: "5m", targets: [{ key: "home", url: "https://example.com/" }] });
    expect(plan).toMatchObject({
      schedule: "*/5 * * * *",
      priority: 0,
      ttl: config.DEFAULT_TTL_SECONDS,
      swr: 0,
      ttlRules: [],
      limits: { concurrency: 4, retries: 1, timeoutMs: 5000, maxBytes: config.MAX_VALUE_BYTES, batchSize: 20 },
    });
  });

  it("refuses schedules that are not declared triggers, so a plan never silently never runs", () => {
    expect(firstProblem({ schedule: "*/10 * * * *", targets: [{ key: "k", url: "https://example.com/" }] })).toMatch(/^schedule: /);
  });

  it("refuses bad targets: non-http URLs, templates without {key}, headers the warmer owns, more keys than any tenant may have", () => {
    const base = { schedule: "1h" };
    expect(firstProblem({ ...base, targets: [{ key: "k", url: "ftp://example.com/" }] })).toMatch(/url/);
    expect(firstProblem({ ...base, targets: [{ urlTemplate: "https://example.com/x", keys: ["a"] }] })).toMatch(/\{key\}/);
    expect(firstProblem({ ...base, targets: [{ key: "k", url: "https://example.com/", headers: { "If-None-Match": "x" } }] })).toMatch(
      /set by the warmer/,
    );
    const keys = Array.from({ length: WARM_CEILINGS.targetsPerPlan + 1 }, (_, i) => `k${i}`);
    expect(firstProblem({ ...base, targets: [{ urlTemplate: "https://example.com/{key}", keys }] })).toMatch(/at most/);
    expect(firstProblem({ ...base, targets: [{ key: "k", url: "https://example.com/", ttl: config.MAX_TTL_SECONDS + 1 }] })).toBeDefined();
    expect(firstProblem({ ...base, targets: [{ key: "k", url: "https://example.com/" }], extra: 1 })).toBeDefined();
  });

  it("expands templates in order, encoding each key into the URL", () => {
    const input = schema.parse({
      schedule: "1h",
      targets: [
        { key: "home", url: "https://example.com/" },
        { urlTemplate: "https://example.com/p/{key}?v={key}", keys: ["a b", "c/d"], ttl: 30, tags: ["p"] },
      ],
    });
    const plan: WarmPlan = { ...input, name: "p", updatedAt: 0 };
    expect(expandTargets(plan)).toEqual([
      { key: "home", url: "https://example.com/", ttl: undefined, swr: undefined, tags: [], headers: {} },
      { key: "a b", url: "https://example.com/p/a%20b?v=a%20b", ttl: 30, swr: undefined, tags: ["p"], headers: {} },
      { key: "c/d", url: "https://example.com/p/c%2Fd?v=c%2Fd", ttl: 30, swr: undefined, tags: ["p"], headers: {} },
    ]);
  });
});
