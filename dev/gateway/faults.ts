import { z } from "zod";

/** Failures injected into data requests. All off by default. */
export interface Faults {
  /** Added before a request is answered. */
  latencyMs: number;
  /** Up to this much more latency, uniformly random per request. */
  jitterMs: number;
  /** Share of requests (0..1) answered with `errorStatus` and a JSON error body. */
  errorRate: number;
  errorStatus: number;
  /** Requests are accepted and never answered; their connections close when hang is cleared. */
  hang: boolean;
  /** Connections are reset as soon as a request arrives, as a crashed or overloaded host would. */
  refuse: boolean;
  /** Requests get 200 with a body that is not JSON. */
  garbage: boolean;
  /**
   * Commands run in Redis, then the connection is reset instead of answered: a reply lost on its
   * way back. The client sees a failure for commands that were applied (and may retry them).
   */
  resetAfterApply: boolean;
}

export const noFaults: Faults = Object.freeze({
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  errorStatus: 503,
  hang: false,
  refuse: false,
  garbage: false,
  resetAfterApply: false,
});

/** What `POST /__control/faults` accepts: any subset, merged over the faults in force. */
export const faultsPatchSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(600_000),
    jitterMs: z.number().int().min(0).max(600_000),
    errorRate: z.number().min(0).max(1),
    errorStatus: z.number().int().min(500).max(599),
    hang: z.boolean(),
    refuse: z.boolean(),
    garbage: z.boolean(),
    resetAfterApply: z.boolean(),
  })
  .partial()
  .strict();

export type FaultsPatch = z.infer<typeof faultsPatchSchema>;

export type FaultAction =
  | { kind: "refuse" }
  | { kind: "hang" }
  | { kind: "error"; status: number }
  | { kind: "garbage" }
  | { kind: "pass" };

/** The one fault a request meets, most disruptive first, and the delay before it. */
export function decideFault(faults: Faults, random: () => number = Math.random): { delayMs: number; action: FaultAction } {
  const delayMs = faults.latencyMs + (faults.jitterMs > 0 ? Math.floor(random() * (faults.jitterMs + 1)) : 0);
  if (faults.refuse) return { delayMs: 0, action: { kind: "refuse" } };
  if (faults.hang) return { delayMs: 0, action: { kind: "hang" } };
  if (faults.errorRate > 0 && random() < faults.errorRate) {
    return { delayMs, action: { kind: "error", status: faults.errorStatus } };
  }
  if (faults.garbage) return { delayMs, action: { kind: "garbage" } };
  return { delayMs, action: { kind: "pass" } };
}
