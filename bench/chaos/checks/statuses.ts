import type { KeyEvent, ReadEvent, RequestRecord, Route } from "../traffic/journal.ts";
import { type InvariantResult, invariant } from "./invariant.ts";
import { residencyAt } from "./residency.ts";

/** Statuses each route may answer under faults, per the README. 503 always as store_unavailable with Retry-After. */
const DOCUMENTED: Record<Route, readonly number[]> = {
  put: [201, 202],
  get: [200, 404, 503],
  delete: [204, 503],
  batch: [200],
  invalidate: [200, 503],
  stats: [200],
  // 503 is "down"; whether that was warranted is the health invariant's question.
  health: [200, 503],
  "flood-put": [201, 202],
  "flood-get": [200, 404, 503],
};

export function checkDocumentedStatuses(records: readonly RequestRecord[]): InvariantResult {
  const failures: string[] = [];
  const byStatus = new Map<string, number>();
  for (const record of records) {
    const label = `${record.route} ${record.status}`;
    byStatus.set(label, (byStatus.get(label) ?? 0) + 1);
    const allowed = DOCUMENTED[record.route].includes(record.status) || (record.token === "tight" && record.status === 429);
    const proper503 =
      record.status !== 503 || record.route === "health" || (record.errorCode === "store_unavailable" && record.retryAfter !== undefined);
    if (!allowed || !proper503) {
      failures.push(
        `${record.phase}: ${record.route} (${record.tenant}) answered ${record.status || "no answer"} ${record.errorCode ?? ""}`.trim(),
      );
    }
  }
  const fiveXx = [...byStatus].filter(([label]) => / 5\d\d$/.test(label)).map(([label, n]) => `${label}: ${n}`);
  return invariant(
    "documented-statuses",
    "5xx/503 only where documented (GET of a key not in L1, DELETE, invalidate, /health down)",
    records.length,
    failures,
    fiveXx.length > 0 ? fiveXx.join(", ") : "no 5xx",
  );
}

/**
 * GETs (single or in a batch) of durable and short keys that failed while this isolate must have
 * held a copy: the README promises STALE from L1 then, never 503.
 */
export function checkResidentReads(events: readonly KeyEvent[], graceMs: number, l1UnderBudget: boolean): InvariantResult {
  const history = new Map<string, KeyEvent[]>();
  for (const event of events) {
    const id = `${event.tenant}\u0000${event.key}`;
    const list = history.get(id) ?? [];
    list.push(event);
    history.set(id, list);
  }
  const failures: string[] = [];
  let checked = 0;
  let staleServed = 0;
  const reads = events.filter((e): e is ReadEvent => e.kind === "read" && (e.keyClass === "durable" || e.keyClass === "short"));
  for (const read of reads) {
    if (read.cache === "STALE") staleServed++;
    const failed = read.outcome === "unavailable" || read.outcome === "failed";
    const residency = residencyAt(read, history.get(`${read.tenant}\u0000${read.key}`) ?? [], graceMs);
    if (!residency.resident) continue;
    checked++;
    if (failed && l1UnderBudget) {
      failures.push(`${read.tenant}/${read.key} ${read.outcome} although held in L1 until ${new Date(residency.until).toISOString()}`);
    }
  }
  return invariant(
    "resident-reads",
    "0 5xx for GETs of keys resident in L1 (served STALE within grace)",
    checked,
    failures,
    `${checked} reads of resident keys, ${staleServed} answered STALE${l1UnderBudget ? "" : "; L1 reached its budget, eviction possible: not asserted"}`,
  );
}
