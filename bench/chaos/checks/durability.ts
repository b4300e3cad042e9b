import type { WriteEvent } from "../traffic/journal.ts";

/** What Redis holds under a key, as far as the check can tell. */
export type StoredValue = { present: false } | { present: true; seq?: number; problem?: string };

export type DurabilityVerdict =
  /** Redis holds the last write acknowledged with 201 (or stored: redis). */
  | "latest"
  /** Redis holds a later write that was not (yet) acknowledged: allowed, it overwrote the last ack. */
  | "later"
  /** Nothing acknowledged yet; Redis holds nothing or an issued value. */
  | "nothing-acked"
  /** Absent, and the last acknowledged write has expired. */
  | "expired"
  /** Violation: absent although the last acknowledged write has not expired. */
  | "lost"
  /** Violation: an older value replaced the last acknowledged one. */
  | "older"
  /** Violation: bytes that are not a value of this key, or a sequence never issued. */
  | "foreign";

export interface DurabilityJudgement {
  verdict: DurabilityVerdict;
  lastAckedSeq?: number;
  storedSeq?: number;
  /** Outcome the client saw for the write Redis holds, when that is not the last acknowledged one. */
  storedWriteOutcome?: WriteEvent["outcome"] | "unseen";
}

export const DURABILITY_VIOLATIONS: readonly DurabilityVerdict[] = ["lost", "older", "foreign"];

/**
 * Judges one key written by a single sequential owner (so its write sequence is its order). Only
 * writes that completed before `checkStart` count as acknowledged; later ones may or may not be
 * in Redis. The key is never deleted, tagged or cleared by the run.
 */
export function judgeDurability(
  writes: readonly WriteEvent[],
  stored: StoredValue,
  checkStart: number,
  issuedSeq: number,
): DurabilityJudgement {
  const acked = writes.filter((w) => w.outcome === "redis" && w.end <= checkStart).sort((a, b) => a.seq - b.seq);
  const last = acked.at(-1);
  if (stored.present && (stored.problem !== undefined || stored.seq === undefined || stored.seq < 1 || stored.seq > issuedSeq)) {
    return { verdict: "foreign", ...(last ? { lastAckedSeq: last.seq } : {}), ...(stored.seq ? { storedSeq: stored.seq } : {}) };
  }
  if (!last) return { verdict: "nothing-acked", ...(stored.present ? { storedSeq: stored.seq } : {}) };
  if (!stored.present) {
    // created no later than the answer, so expired no later than end + ttl + swr.
    const expiredBy = last.end + (last.ttlSeconds + last.swrSeconds) * 1000;
    return { verdict: expiredBy <= checkStart ? "expired" : "lost", lastAckedSeq: last.seq };
  }
  const storedSeq = stored.seq as number;
  if (storedSeq === last.seq) return { verdict: "latest", lastAckedSeq: last.seq, storedSeq };
  const storedWrite = writes.find((w) => w.seq === storedSeq);
  return {
    verdict: storedSeq > last.seq ? "later" : "older",
    lastAckedSeq: last.seq,
    storedSeq,
    storedWriteOutcome: storedWrite?.outcome ?? "unseen",
  };
}
