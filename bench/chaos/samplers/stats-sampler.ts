import { setTimeout as sleep } from "node:timers/promises";
import { jsonOf } from "../traffic/http.ts";
import { type Access, errorsOf, send, type TrafficContext } from "../traffic/send.ts";
import type { Tally, TallySnapshot } from "../traffic/stats-tally.ts";

export interface StatsSample extends TallySnapshot {
  tenant: string;
  phase: string;
  at: number;
  /** false when the worker could read only its own unflushed counts. */
  complete: boolean;
  counters: Tally;
}

/** Reads GET /v1/stats for a tenant, paired with the client's tally at the moment the answer arrived. */
export async function sampleStats(ctx: TrafficContext, access: Access): Promise<StatsSample | undefined> {
  const { response, record } = await send(ctx, "stats", access, "/v1/stats", {}, { errors: 1 }, ({ status }) => errorsOf(status));
  const snapshot = ctx.journal.tally.snapshot(access.tenant);
  const body = response.status === 200 ? jsonOf<{ complete: boolean; counters: Tally }>(response.body) : undefined;
  if (!body) return undefined;
  return { tenant: access.tenant, phase: record.phase, at: record.end, complete: body.complete, counters: body.counters, ...snapshot };
}

/** Samples every tenant's stats on an interval while traffic runs. */
export class StatsSampler {
  readonly samples: StatsSample[] = [];
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly ctx: TrafficContext,
    readonly tenants: Access[],
    readonly intervalMs: number,
  ) {}

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        for (const access of this.tenants) {
          const sample = await sampleStats(this.ctx, access);
          if (sample) this.samples.push(sample);
        }
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }
}
