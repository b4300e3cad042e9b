import type { Redis } from "ioredis";
import { decodeStoredEntry } from "../entry-decoder.ts";
import { whenReady } from "../stack/redis-reader.ts";
import type { Journal } from "../traffic/journal.ts";
import { parseValue } from "../values.ts";
import { DURABILITY_VIOLATIONS, type DurabilityVerdict, judgeDurability, type StoredValue } from "./durability.ts";

export interface DurabilitySnapshot {
  label: string;
  at: number;
  keys: number;
  /** Keys with at least one write acknowledged as stored in Redis. */
  ackedKeys: number;
  verdicts: Partial<Record<DurabilityVerdict, number>>;
  /** Keys whose Redis value came from a write answered 202 (memory only), answered with an error, or still in flight. */
  unackedApplied: { memory: number; failed: number; inFlight: number };
  violations: string[];
}

/** `ec:<tenant>:e:<key>` (shared/cache/keys.ts). */
const entryKey = (tenant: string, key: string) => `ec:${tenant}:e:${key}`;

function storedValueOf(raw: Buffer | null, tenant: string, key: string): StoredValue {
  if (raw === null) return { present: false };
  try {
    const entry = decodeStoredEntry(raw);
    if (!entry) return { present: false };
    const parsed = parseValue(new Uint8Array(entry.value));
    if (!parsed.ok) return { present: true, problem: parsed.problem };
    const { identity } = parsed;
    if (identity.tenant !== tenant || identity.key !== key)
      return { present: true, seq: identity.seq, problem: `holds ${identity.tenant}/${identity.key}` };
    return { present: true, seq: identity.seq };
  } catch (error) {
    return { present: true, problem: `undecodable entry: ${(error as Error).message}` };
  }
}

/**
 * Reads every durable key straight from Redis and judges it against the writes the client saw
 * complete before the read began. Traffic may go on meanwhile: a later write can only raise what
 * Redis holds, which the judgement allows.
 */
export async function checkDurability(journal: Journal, redis: Redis, label: string): Promise<DurabilitySnapshot> {
  const checkStart = performance.timeOrigin + performance.now();
  const keys = [...journal.durableWrites.values()];
  await whenReady(redis);
  const pipeline = redis.pipeline();
  for (const { tenant, key } of keys) pipeline.getBuffer(entryKey(tenant, key));
  const replies = (await pipeline.exec()) ?? [];
  // What Redis can hold was issued before the read finished, not before it began: writes issued
  // while waiting for a restarted Redis may already be there.
  const issued = keys.map(({ tenant, key }) => journal.issuedSeq(tenant, key));

  const snapshot: DurabilitySnapshot = {
    label,
    at: checkStart,
    keys: keys.length,
    ackedKeys: 0,
    verdicts: {},
    unackedApplied: { memory: 0, failed: 0, inFlight: 0 },
    violations: [],
  };
  keys.forEach(({ tenant, key, writes }, i) => {
    const [error, raw] = replies[i] ?? [new Error("no reply"), null];
    if (error) throw new Error(`chaos: reading ${entryKey(tenant, key)} from Redis failed: ${error.message}`);
    const judgement = judgeDurability(writes, storedValueOf(raw as Buffer | null, tenant, key), checkStart, issued[i] as number);
    snapshot.verdicts[judgement.verdict] = (snapshot.verdicts[judgement.verdict] ?? 0) + 1;
    if (judgement.lastAckedSeq !== undefined) snapshot.ackedKeys++;
    if (judgement.storedWriteOutcome === "memory") snapshot.unackedApplied.memory++;
    if (judgement.storedWriteOutcome === "failed") snapshot.unackedApplied.failed++;
    if (judgement.storedWriteOutcome === "unseen") snapshot.unackedApplied.inFlight++;
    if (DURABILITY_VIOLATIONS.includes(judgement.verdict)) {
      snapshot.violations.push(
        `${label}: ${tenant}/${key} ${judgement.verdict} (last 201: #${judgement.lastAckedSeq ?? "-"}, Redis: #${judgement.storedSeq ?? "absent"})`,
      );
    }
  });
  return snapshot;
}
