import type { HealthSample } from "../samplers/health-sampler.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

export interface FaultWindow {
  name: string;
  /** Whether Redis is unusable for the window (the health contract applies), or only slow. */
  outage: boolean;
  start: number;
  /** When the fault was lifted: Redis answering again, or the gateway's faults cleared. */
  recoveredAt: number;
}

export interface OutageHealth {
  name: string;
  okBefore: boolean;
  degradedSamples: number;
  downSamples: number;
  /** ms from recovery to the first sample with status ok and circuit closed; undefined if none. */
  closedAfterMs: number | undefined;
}

export const CLOSE_WITHIN_MS = 5000;

/** `since`: when the previous fault was lifted (ok must have been reached again after it). */
export function outageHealth(window: FaultWindow, samples: readonly HealthSample[], since: number): OutageHealth {
  const okBefore = samples.some((s) => s.start >= since && s.end <= window.start && s.status === "ok" && s.circuit === "closed");
  const during = samples.filter((s) => s.start >= window.start && s.end <= window.recoveredAt);
  const healthy = samples.find((s) => s.start >= window.recoveredAt && s.status === "ok" && s.circuit === "closed");
  return {
    name: window.name,
    okBefore,
    degradedSamples: during.filter((s) => s.status === "degraded").length,
    downSamples: during.filter((s) => s.status === "down").length,
    closedAfterMs: healthy ? healthy.end - window.recoveredAt : undefined,
  };
}

/** /health goes ok → degraded → ok across each outage, and the circuit closes within 5 s of recovery. */
export function checkHealthTransitions(
  windows: readonly FaultWindow[],
  samples: readonly HealthSample[],
): { result: InvariantResult; outages: OutageHealth[] } {
  const outages = windows.flatMap((w, i) => (w.outage ? [outageHealth(w, samples, windows[i - 1]?.recoveredAt ?? 0)] : []));
  const failures: string[] = [];
  for (const o of outages) {
    if (!o.okBefore) failures.push(`${o.name}: never ok between the previous recovery and this outage`);
    if (o.degradedSamples === 0) failures.push(`${o.name}: never degraded during the outage`);
    if (o.downSamples > 0) failures.push(`${o.name}: down ${o.downSamples}× although L1 held entries`);
    if (o.closedAfterMs === undefined || o.closedAfterMs > CLOSE_WITHIN_MS) {
      failures.push(`${o.name}: circuit closed ${o.closedAfterMs === undefined ? "never" : `after ${Math.round(o.closedAfterMs)} ms`}`);
    }
  }
  const closes = outages.map((o) => o.closedAfterMs).filter((ms): ms is number => ms !== undefined);
  return {
    outages,
    result: invariant(
      "health",
      "/health ok → degraded → ok across each outage; circuit closed within 5 s of recovery",
      outages.length,
      failures,
      closes.length > 0
        ? `closed ${Math.round(Math.min(...closes))}-${Math.round(Math.max(...closes))} ms after recovery`
        : "no outage observed",
    ),
  };
}
