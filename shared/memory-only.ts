/** The route-level refusal: a deployment without Redis never will serve it, so retrying cannot help. */
export const REDIS_REQUIRED = { status: 501, code: "redis_required" } as const;

const refused = `${REDIS_REQUIRED.status} ${REDIS_REQUIRED.code}`;

/**
 * What needs Redis (L2) and so is off in memory-only mode, in words a reader acts on: `/health`
 * lists it and `npm start` prints it, so nobody finds out from a failing call.
 */
export const OFF_WITHOUT_REDIS: readonly string[] = [
  `warm plans and runs (/v1/warm/*: ${refused})`,
  `export (/v1/export: ${refused})`,
  "read-through, refresh-ahead and scheduled warming",
  "entries, tenants, tokens and counters shared between isolates or kept past a restart",
  "storage budgets (stats report usedBytes null)",
  "rate limits across isolates (each isolate counts its own)",
];
