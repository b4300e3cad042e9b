import type { KeyEvent, ReadEvent, WriteEvent } from "../traffic/journal.ts";

/**
 * Whether this isolate's L1 must still have held a key when a read of it began, from what the
 * client observed. Conservative: "unknown" whenever a removal cannot be ruled out.
 *
 * A copy is kept until its stale window ends plus L1_GRACE_SECONDS when it came from or went to
 * Redis, until its stale window ends when it was a memory-only (202) write
 * (shared/cache/tiered-store.ts). It is removed earlier only by a miss (Redis said absent), a
 * delete, a clear or tag invalidation (never used on these keys), or eviction (ruled out
 * separately by L1 staying under its budget).
 */
export type Residency = { resident: true; since: number; until: number } | { resident: false; reason: string };

const MARGIN_MS = 250;

export function residencyAt(read: ReadEvent, history: readonly KeyEvent[], graceMs: number): Residency {
  const writesBySeq = new Map<number, WriteEvent>();
  for (const event of history) if (event.kind === "write") writesBySeq.set(event.seq, event);
  let establishing: { end: number; until: number } | undefined;
  for (const event of history) {
    if (event.end > read.start || event === read) continue;
    const until = copyKeptUntil(event, writesBySeq, graceMs);
    if (until !== undefined && (!establishing || event.end > establishing.end)) establishing = { end: event.end, until };
  }
  if (!establishing) return { resident: false, reason: "never seen stored or read" };
  const removal = history.find(
    (event) =>
      event !== read &&
      event.end > (establishing as { end: number }).end &&
      event.start < read.end &&
      ((event.kind === "read" && event.outcome === "miss") || event.kind === "delete"),
  );
  if (removal) return { resident: false, reason: `${removal.kind} ${removal.kind === "read" ? "miss" : ""} in between` };
  if (read.start > establishing.until - MARGIN_MS) return { resident: false, reason: "past its grace" };
  return { resident: true, since: establishing.end, until: establishing.until };
}

/** Until when a copy established by this event is kept, if the event established one. */
function copyKeptUntil(event: KeyEvent, writesBySeq: Map<number, WriteEvent>, graceMs: number): number | undefined {
  if (event.kind === "write") {
    const window = (event.ttlSeconds + event.swrSeconds) * 1000;
    // The entry is created after the request starts: its stale window ends after start + window.
    if (event.outcome === "redis") return event.start + window + graceMs;
    if (event.outcome === "memory") return event.start + window;
    return undefined;
  }
  if (event.kind !== "read" || event.outcome !== "hit" || event.seq === undefined || event.problem) return undefined;
  const write = writesBySeq.get(event.seq);
  if (!write) return undefined;
  const window = (write.ttlSeconds + write.swrSeconds) * 1000;
  // Grace applies to copies that went to or came from Redis; an unanswered write may have been either.
  const fromRedis = write.outcome === "redis" || event.cache === "HIT-L2";
  return write.start + window + (fromRedis ? graceMs : 0);
}
