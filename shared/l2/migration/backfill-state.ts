import { replyPairs } from "../../redis/hash-reply";

/** The backfill's progress, kept in the new database (BACKFILL_STATE_KEY) and shown by /health and the admin API. */
export interface BackfillState {
  /** Where the next SCAN step of the database moved from starts ("0": at the beginning). */
  cursor: string;
  copied: number;
  /** Entries left because the new database holds a newer one (or the same one). */
  skippedNewer: number;
  /** Entries not copied because they are deleted or hidden (cleared, invalidated, expired). */
  hidden: number;
  failed: number;
  /** Control-plane keys merged (tenants, tokens, indexes, warm plans, stats). */
  controlKeys: number;
  /** Complete passes over the database moved from. */
  passes: number;
  done: boolean;
  updatedAt: number | null;
}

export function parseBackfillState(reply: unknown): BackfillState {
  const fields = toFields(reply);
  const count = (name: string) => Number(fields[name] ?? 0) || 0;
  return {
    cursor: fields.cursor ?? "0",
    copied: count("copied"),
    skippedNewer: count("skippedNewer"),
    hidden: count("hidden"),
    failed: count("failed"),
    controlKeys: count("controlKeys"),
    passes: count("passes"),
    done: fields.done === "1",
    updatedAt: fields.updatedAt ? Number(fields.updatedAt) : null,
  };
}

function toFields(reply: unknown): Record<string, string> {
  return Object.fromEntries(replyPairs(reply).map(([field, value]) => [field, String(value)]));
}
