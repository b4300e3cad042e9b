import { describe, expect, it } from "vitest";
import { checkHealthTransitions } from "../../bench/chaos/checks/health-transitions.ts";
import { checkRateLimits } from "../../bench/chaos/checks/rate-limits.ts";
import type { HealthSample } from "../../bench/chaos/samplers/health-sampler.ts";
import type { RequestRecord } from "../../bench/chaos/traffic/journal.ts";

const sample = (start: number, status: HealthSample["status"], circuit = "closed"): HealthSample => ({
  start,
  end: start + 5,
  phase: "p",
  httpStatus: status === "down" ? 503 : 200,
  status,
  circuit,
});

describe("health across an outage", () => {
  const window = { name: "kill", outage: true, start: 1000, recoveredAt: 3000 };

  it("passes ok → degraded → ok with the circuit closed within 5 s", () => {
    const samples = [sample(900, "ok"), sample(1500, "degraded", "open"), sample(3500, "degraded", "half-open"), sample(4000, "ok")];
    const { result, outages } = checkHealthTransitions([window], samples);
    expect(result.violations).toBe(0);
    expect(outages[0]?.closedAfterMs).toBe(1005);
  });

  it("fails an outage never reported, reported down, or closed too late", () => {
    expect(checkHealthTransitions([window], [sample(900, "ok"), sample(1500, "ok"), sample(4000, "ok")]).result.violations).toBe(1);
    expect(checkHealthTransitions([window], [sample(900, "ok"), sample(1500, "down"), sample(4000, "ok")]).result.violations).toBe(2);
    expect(checkHealthTransitions([window], [sample(900, "ok"), sample(1500, "degraded"), sample(8100, "ok")]).result.violations).toBe(1);
  });
});

describe("rate-limit windows", () => {
  const record = (start: number, status: number, token: "main" | "tight" = "main"): RequestRecord => ({
    id: start,
    route: "get",
    tenant: "metered",
    token,
    phase: "p",
    start,
    end: start + 10,
    latencyMs: 10,
    status,
  });
  const rules = {
    tenant: "metered",
    tenantRule: { requests: 1000, windowSeconds: 2 },
    tightTokenId: "tok",
    tightRule: { requests: 2, windowSeconds: 2 },
  };

  it("fails a window counted more than its leases allow: twice the requests that could reach it, plus concurrent leases", () => {
    const records = [record(2100, 200), record(2500, 200), record(3995, 200)];
    // 3 requests: leased in full at most 2 × 3, plus one per concurrent lease (64).
    const ok = new Map([["ecsys:rl:1000/2:t:metered:1", 2 * 3 + 64]]);
    expect(checkRateLimits({ counters: ok, records, ...rules }).result.violations).toBe(0);
    const over = new Map([["ecsys:rl:1000/2:t:metered:1", 2 * 3 + 65]]);
    expect(checkRateLimits({ counters: over, records, ...rules }).result.violations).toBe(1);
  });

  it("allows a tight token its limit globally plus its limit per isolate, never more", () => {
    const five = [2100, 2200, 2300, 2400, 2500].map((t) => record(t, 200, "tight"));
    expect(checkRateLimits({ counters: new Map(), records: five.slice(0, 4), ...rules }).result.violations).toBe(0);
    expect(checkRateLimits({ counters: new Map(), records: five, ...rules }).result.violations).toBe(1);
  });
});
