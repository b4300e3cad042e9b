import { describe, expect, it } from "vitest";
import { FAULT_PLANS } from "../../bench/chaos/faults.ts";
import { parseChaosOptions } from "../../bench/chaos/options.ts";

describe("chaos options", () => {
  it("runs the short mode by default and with --short, the one npm test runs: under 2 minutes of schedule", () => {
    const short = parseChaosOptions(["--short"]);
    expect(parseChaosOptions([])).toEqual(short);
    expect(short).toMatchObject({ mode: "short", updateDoc: false, out: undefined });
    // Baseline, then each fault held and recovered from: leaves room for the build and the flood.
    expect(short.baselineSeconds + FAULT_PLANS.length * (short.outageSeconds + short.recoverySeconds)).toBeLessThanOrEqual(90);
  });

  it("writes the results and the report in long mode, and refuses both modes at once", () => {
    expect(parseChaosOptions(["--long"])).toMatchObject({ mode: "long", updateDoc: true, out: "bench/chaos/results/long.json" });
    expect(() => parseChaosOptions(["--long", "--short"])).toThrow(/exclude/);
  });
});
