import type { Context } from "hono";
import { withinRequestBudget } from "../../shared/redis/request-budget";
import type { AppEnv } from "../app-env";

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
  return (method === "GET" || method === "HEAD") && c.req.path.startsWith("/v1/cache/");
}
