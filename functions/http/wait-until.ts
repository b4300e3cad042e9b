import type { Context } from "hono";

/** The request's `ctx.waitUntil`, or a plain fire-and-forget where there is none (app.request in tests). */
export function waitUntilOf(c: Context): (promise: Promise<unknown>) => void {
  return (promise) => {
    try {
      c.executionCtx.waitUntil(promise);
    } catch {
      promise.catch(() => {});
    }
  };
}
