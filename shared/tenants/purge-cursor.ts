import * as z from "zod";

/**
 * Where the sweep of a deleted tenant's keys stands, as the cursor a DELETE answers and takes
 * back. A sweep goes in passes: each pass SCANs every database the tenant's keys may be in, one
 * after the other. "0" starts a new pass; otherwise the cursor is
 * `<when the pass started, epoch ms>-<database index>-<SCAN cursor>`.
 */
export interface SweepPosition {
  passStartedAt: number;
  database: number;
  scanCursor: string;
}

export const NEW_PASS = "0";

export const purgeCursorSchema = z
  .string()
  .regex(/^(0|\d{1,15}-\d-\d{1,20})$/, "cursors are what a previous DELETE of this tenant answered");

/**
 * A new pass starts now. A pass start later than now (another isolate's clock ahead, or a made-up
 * cursor) is taken as now: no cursor can claim a pass that has not begun.
 */
export function parsePurgeCursor(cursor: string, now: number): SweepPosition {
  if (cursor === NEW_PASS) return { passStartedAt: now, database: 0, scanCursor: "0" };
  const [passStartedAt, database, scanCursor] = cursor.split("-");
  return { passStartedAt: Math.min(Number(passStartedAt), now), database: Number(database), scanCursor: scanCursor ?? "0" };
}

export function formatPurgeCursor({ passStartedAt, database, scanCursor }: SweepPosition): string {
  return `${passStartedAt}-${database}-${scanCursor}`;
}
