import { setTimeout as sleep } from "node:timers/promises";
import type { PacedJob, PacedResult } from "../load/paced-types.ts";
import type { WrkLoad } from "../load/wrk-load.ts";
import type { FloodRates } from "../options.ts";
import type { ScaleWorker } from "../stack/scale-worker.ts";
import { FLOODER_KEY_PATH } from "./noisy-tenants.ts";

/** Client ids (CF-Connecting-IP) of the flood's streams: documentation addresses (RFC 5737). */
export const FAKE_TOKEN_CLIENT = "203.0.113.66";
export const FLOODER_CLIENT = "203.0.113.67";

const MIB = 1024 * 1024;
export const OVERSIZED = { values: 8, valueBytes: MIB } as const;

/** A's streams; a flood runs all of them, an attribution run one. */
export const FLOOD_STREAMS = ["oversizedBatches", "fakeTokens", "overRateLimit", "ticks"] as const;
export type FloodStream = (typeof FLOOD_STREAMS)[number];

export interface FloodResult {
  oversizedBatches?: PacedResult;
  fakeTokens?: PacedResult;
  overRateLimit?: PacedResult;
  /** Cron ticks fired during the flood: when (epoch ms), how long each took, what each returned. */
  ticks?: { fired: number; outcomes: Record<string, number>; ms: number[]; at: number[] };
}

export interface FloodOptions {
  load: WrkLoad;
  worker: ScaleWorker;
  /** Which cron role the ticks go to: with the queue binding when the deployment has one. */
  tickRole: "cron" | "cronQueue";
  flooderToken: string;
  limitedToken: string;
  rates: FloodRates;
  seconds: number;
  /** @default every stream */
  streams?: readonly FloodStream[];
}

/**
 * Tenant A's flood: its streams at fixed rates from their own connections, and cron ticks while
 * they run (A's plans are due at every one: each is larger than one invocation, so it is always
 * unfinished).
 */
export async function flood(options: FloodOptions): Promise<FloodResult> {
  const { load, rates, seconds } = options;
  const url = options.worker.url;
  const on = new Set(options.streams ?? FLOOD_STREAMS);
  const flooder = { authorization: `Bearer ${options.flooderToken}`, "cf-connecting-ip": FLOODER_CLIENT };
  const result: FloodResult = {};
  const streams: Promise<void>[] = [];
  const stream = (name: Exclude<FloodStream, "ticks">, job: Omit<PacedJob, "url" | "durationSeconds">) => {
    if (!on.has(name)) return;
    streams.push(
      load.run({ ...job, url, durationSeconds: seconds }).then((answered) => {
        result[name] = answered;
      }),
    );
  };
  stream("oversizedBatches", {
    connections: 1,
    ratePerSecond: rates.oversizedBatches,
    plan: { kind: "oversized-batch", ...OVERSIZED },
    headers: flooder,
  });
  stream("fakeTokens", {
    connections: 2,
    ratePerSecond: rates.fakeTokens,
    plan: { kind: "fake-tokens", path: "/v1/cache/anything" },
    headers: { "cf-connecting-ip": FAKE_TOKEN_CLIENT },
  });
  stream("overRateLimit", {
    connections: 4,
    ratePerSecond: rates.rateLimitPerSecond * rates.rateLimitMultiple,
    plan: { kind: "repeat-get", path: FLOODER_KEY_PATH },
    headers: { ...flooder, authorization: `Bearer ${options.limitedToken}` },
  });
  if (on.has("ticks")) result.ticks = await tickWhile(options);
  else await sleep(seconds * 1000);
  await Promise.all(streams);
  return result;
}

async function tickWhile(options: FloodOptions): Promise<NonNullable<FloodResult["ticks"]>> {
  const ticks = { fired: 0, outcomes: {} as Record<string, number>, ms: [] as number[], at: [] as number[] };
  const until = performance.now() + options.seconds * 1000;
  while (performance.now() < until) {
    const at = Date.now();
    const { outcome, ms } = await options.worker.tick(options.tickRole, "* * * * *", at);
    ticks.at.push(at);
    ticks.fired++;
    ticks.outcomes[outcome] = (ticks.outcomes[outcome] ?? 0) + 1;
    ticks.ms.push(ms);
    await sleep(Math.max(0, Math.min(options.rates.tickEverySeconds * 1000 - ms, until - performance.now())));
  }
  return ticks;
}
