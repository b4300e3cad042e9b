import type { HealthSample } from "../samplers/health-sampler.ts";
import type { KeyEvent, WriteEvent } from "../traffic/journal.ts";
import { LIFETIMES } from "../traffic/key-space.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

/**
 * No copy served older than ttl + swr + L1_GRACE_SECONDS: by its Age header, and by the time since
 * the write whose sequence it carries completed (a lower bound on its real age). A HIT (not STALE)
 * must be fresh: Age within ttl.
 */
export function checkStaleness(events: readonly KeyEvent[], graceSeconds: number): InvariantResult {
  const writes = new Map<string, WriteEvent>();
  for (const e of events) if (e.kind === "write") writes.set(`${e.tenant}\u0000${e.key}\u0000${e.seq}`, e);
  const failures: string[] = [];
  let checked = 0;
  let maxRatio = 0;
  for (const e of events) {
    if (e.kind !== "read" || e.outcome !== "hit" || e.keyClass === "cold" || e.seq === undefined) continue;
    const { ttlSeconds, swrSeconds } = LIFETIMES[e.keyClass];
    const bound = ttlSeconds + swrSeconds + graceSeconds;
    checked++;
    const write = writes.get(`${e.tenant}\u0000${e.key}\u0000${e.seq}`);
    const minimumAge = write ? (e.start - write.end) / 1000 : 0;
    if (e.ageSeconds !== undefined && Number.isFinite(e.ageSeconds)) {
      maxRatio = Math.max(maxRatio, e.ageSeconds / bound);
      if (e.ageSeconds > bound) failures.push(`${e.tenant}/${e.key}: Age ${e.ageSeconds} s > ${bound} s`);
      if (e.cache !== "STALE" && e.ageSeconds > ttlSeconds)
        failures.push(`${e.tenant}/${e.key}: ${e.cache} with Age ${e.ageSeconds} s > ttl ${ttlSeconds} s`);
    }
    if (minimumAge > bound)
      failures.push(`${e.tenant}/${e.key}: #${e.seq} served ${minimumAge.toFixed(1)} s after its write (> ${bound} s)`);
  }
  return invariant(
    "staleness",
    "staleness within ttl + swr + L1_GRACE_SECONDS (Age header and time since the write)",
    checked,
    failures,
    `highest Age / bound ${(maxRatio * 100).toFixed(0)}%`,
  );
}

/** /health l1.bytes never above l1.budgetBytes, in any sample. */
export function checkL1Budget(samples: readonly HealthSample[]): InvariantResult {
  const measured = samples.filter((s) => s.l1Bytes !== undefined && s.budgetBytes !== undefined);
  const failures = measured
    .filter((s) => (s.l1Bytes as number) > (s.budgetBytes as number))
    .map((s) => `${s.phase}: l1.bytes ${s.l1Bytes} > ${s.budgetBytes}`);
  const peak = Math.max(0, ...measured.map((s) => s.l1Bytes as number));
  const budget = measured[0]?.budgetBytes ?? 0;
  return invariant(
    "l1-budget",
    "L1 bytes never above the budget (/health l1.bytes ≤ budgetBytes, sampled)",
    measured.length,
    failures,
    `peak ${(peak / 2 ** 20).toFixed(1)} MiB of ${(budget / 2 ** 20).toFixed(0)} MiB`,
  );
}
