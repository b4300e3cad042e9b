import * as z from "zod";
import type { Config } from "../env";
import type { Services } from "../services";
import { MAX_RECORDED_CRONS, readTickRecord } from "./tick-record";

/**
 * What GET /admin/diagnostics answers: what a deployment check (`npm run doctor`) needs and no
 * public route tells. Secrets appear as whether they are set, never as values.
 */
export const diagnosticsResponseSchema = z.object({
  now: z.number().int().meta({ description: "The server's clock (epoch ms), to compare with the caller's" }),
  store: z.enum(["redis", "memory"]),
  secrets: z
    .object({
      ADMIN_TOKEN: z.boolean(),
      TOKEN_PEPPER: z.boolean(),
      UPSTASH_REDIS_REST_URL: z.boolean(),
      UPSTASH_REDIS_REST_TOKEN: z.boolean(),
    })
    .meta({ description: "Whether each secret is set; never its value" }),
  scheduled: z
    .record(z.string(), z.number().int())
    .nullable()
    .meta({
      description: `Cron expression → when the scheduled handler last ran for it (epoch ms), at most ${MAX_RECORDED_CRONS}; null when memory-only (nowhere to record)`,
    }),
});

export type DiagnosticsReport = z.output<typeof diagnosticsResponseSchema>;

/** Reads the tick record (one Redis request; StoreUnavailableError when Redis fails). */
export async function buildDiagnostics(services: Services, now: () => number = Date.now): Promise<DiagnosticsReport> {
  const scheduled = services.redis ? await readTickRecord(services.redis) : null;
  return {
    // Taken after the read: a Worker's clock advances on I/O.
    now: now(),
    store: services.redis ? "redis" : "memory",
    secrets: secretsSet(services.config),
    scheduled,
  };
}

function secretsSet(config: Config): DiagnosticsReport["secrets"] {
  return {
    ADMIN_TOKEN: config.ADMIN_TOKEN !== undefined,
    TOKEN_PEPPER: config.TOKEN_PEPPER !== undefined,
    UPSTASH_REDIS_REST_URL: config.UPSTASH_REDIS_REST_URL !== undefined,
    UPSTASH_REDIS_REST_TOKEN: config.UPSTASH_REDIS_REST_TOKEN !== undefined,
  };
}
