/**
 * What each response says about how it was served. A 200 is not enough: edge-cache answers 200
 * with `X-Cache: STALE` when Redis fails and L1 holds a copy, 202 when a write stayed in memory,
 * and a batch is 200 whatever each operation's fate. A run that quietly degraded must not be
 * reported as a fast healthy one.
 */
export type Outcomes = Record<string, number>;

/** Outcome names that mean the service was not answering normally. */
export const DEGRADED_OUTCOMES = ["x-cache:STALE", "x-cache:MISS", "stored:memory", "batch:stale", "batch:miss", "batch:error"];

const BATCH_STATUS = /"status":"(hit|stale|miss|error|stored|exists|deleted)"/g;

function header(headers: Record<string, string | string[]>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  return undefined;
}

/**
 * Classified by the response alone (the mixed scenario's requests change method per send):
 * an X-Cache header for reads, `"stored"` for edge-cache writes, per-operation statuses for a batch.
 * The bare route, the SDK route and the peer send none of these: they have no tiers to report.
 */
export function recordOutcome(outcomes: Outcomes, status: number, body: string, headers: Record<string, string | string[]>): void {
  const add = (name: string) => {
    outcomes[name] = (outcomes[name] ?? 0) + 1;
  };
  const xCache = header(headers, "x-cache");
  if (xCache !== undefined) add(`x-cache:${xCache}`);
  else if (body.startsWith('{"stored":')) add(status === 202 ? "stored:memory" : "stored:redis");
  else if (body.startsWith('{"get":')) for (const match of body.matchAll(BATCH_STATUS)) add(`batch:${match[1]}`);
}

export function degradedCount(outcomes: Outcomes): number {
  return DEGRADED_OUTCOMES.reduce((sum, name) => sum + (outcomes[name] ?? 0), 0);
}
