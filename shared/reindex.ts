import * as z from "zod";
import type { Services } from "./services";
import { reindexWarmPlans } from "./warm/reindex";

/**
 * Rebuilding the indexes a deployment keeps beside its records, for one that predates them (an
 * upgrade) or to repair one: `cors`, the origin index of preflights (tenants/origin-index.ts);
 * `warm`, the due and read-through indexes of warm plans (warm/reindex.ts). One page of tenants a
 * call, resumed from the cursor the last call returned; running a page again changes nothing.
 */

export const reindexRequestSchema = z.strictObject({
  index: z.enum(["cors", "warm"]),
  /** From the previous page's answer; "0" (the default) starts from the beginning. */
  cursor: z
    .string()
    .regex(/^\d{1,20}$/, "cursors are the digits a previous page answered")
    .default("0"),
});

export type ReindexRequest = z.output<typeof reindexRequestSchema>;

export const reindexPageSchema = z.object({
  index: z.enum(["cors", "warm"]),
  /** Where the next page starts; "0" once the rebuild is complete. */
  cursor: z.string(),
  done: z.boolean(),
  /** Tenants this page visited. */
  tenants: z.number().int(),
  /** cors: their tokens. */
  tokens: z.number().int().optional(),
  /** warm: their plans. */
  plans: z.number().int().optional(),
});

export type ReindexPage = z.output<typeof reindexPageSchema>;

export async function reindexPage(services: Services, request: ReindexRequest): Promise<ReindexPage> {
  if (request.index === "cors") {
    const page = await services.tenants.reindexOrigins(request.cursor);
    return { index: "cors", ...page, done: page.cursor === "0" };
  }
  // Memory-only mode keeps no warm indexes to rebuild.
  if (!services.redis) return { index: "warm", cursor: "0", done: true, tenants: 0, plans: 0 };
  const page = await reindexWarmPlans(services.redis, request.cursor);
  return { index: "warm", ...page, done: page.cursor === "0" };
}
