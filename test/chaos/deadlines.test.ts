import { describe, expect, it } from "vitest";
import { checkDeadlines } from "../../bench/chaos/checks/deadlines.ts";
import type { RequestRecord } from "../../bench/chaos/traffic/journal.ts";

const record = (latencyMs: number, status = 200): RequestRecord => ({
  id: latencyMs,
  route: "get",
  tenant: "alpha",
  token: "main",
  phase: "gateway-hang",
  start: 1000,
  end: 1000 + latencyMs,
  latencyMs,
  status,
});

describe("deadlines", () => {
  const budget = { l2TimeoutMs: 300, slackMs: 50, baselineMs: 10, trafficBaselineMs: 20 };
  const noDelay = () => 0;

  it("allows L2_TIMEOUT_MS + 50 ms + the baseline, and fails beyond it or without an answer", () => {
    expect(checkDeadlines([record(360)], budget, noDelay).violations).toBe(0);
    expect(checkDeadlines([record(361)], budget, noDelay).violations).toBe(1);
    expect(checkDeadlines([record(5, 0)], budget, noDelay).violations).toBe(1);
  });

  it("excuses a miss only as far as the machine itself held every request back", () => {
    expect(checkDeadlines([record(600)], budget, () => 250).violations).toBe(0);
    expect(checkDeadlines([record(600)], budget, () => 200).violations).toBe(1);
  });
});
