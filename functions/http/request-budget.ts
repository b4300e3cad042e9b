import type { Context } from "hono";
import { withinRequestBudget } from "../../shared/redis/request-budget";
import type { AppEnv } from "../app-env";

// The routes that answer from a round trip or two share one Redis budget. Export pages, warm
// plans, admin, metrics and the dashboard make many calls on purpose, and a budget cutting a
// multi-step change (a token rotation) in half would do harm: they keep per-call deadlines.
const BUDGETED_PATHS = new Set(["/health", "/v1/cache", "/v1/batch", "/v1/invalidate", "/v1/stats"]);
const ENTRY_PREFIX = "/v1/cache/";

export function usesRequestBudget(path: string): boolean {
  return BUDGETED_PATHS.has(path) || path.startsWith(ENTRY_PREFIX);
}

/**
 * Runs a step that may call Redis under the request's budget, where its route has one. Steps
 * that answer from the isolate (a verified token, an L1 copy) run outside it and pay nothing.
 */
export function inRequestBudget<T>(c: Context<AppEnv>, work: () => T): T {
  const budget = c.get("redisBudget");
  return budget ? withinRequestBudget(budget, work) : work();
}

/**
 * Entry reads (GET and HEAD of /v1/cache/{key}) enter the budget themselves, only when the L1
 * cannot answer (functions/http/read-entry.ts); every other budgeted route runs its handler in it.
 */
export function entersBudgetItself(c: Context<AppEnv>): boolean {
  const method = c.req.method;
  return (method === "GET" || method === "HEAD") && c.req.path.startsWith(ENTRY_PREFIX);
}
