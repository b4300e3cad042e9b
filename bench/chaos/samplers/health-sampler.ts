import { setTimeout as sleep } from "node:timers/promises";
import { residentBytes } from "../stack/workerd-process.ts";
import { jsonOf } from "../traffic/http.ts";
import { send, type TrafficContext } from "../traffic/send.ts";

export interface HealthSample {
  start: number;
  end: number;
  phase: string;
  httpStatus: number;
  status?: "ok" | "degraded" | "down";
  circuit?: string;
  reachable?: boolean;
  l1Bytes?: number;
  l1Entries?: number;
  budgetBytes?: number;
  /** workerd's resident set, read right after the answer. */
  rssBytes?: number;
}

interface HealthBody {
  status: HealthSample["status"];
  redis: { reachable: boolean; circuit: string } | null;
  l1: { entries: number; bytes: number; budgetBytes: number };
}

/** Polls GET /health (and workerd's RSS) one request at a time, for the whole run. */
export class HealthSampler {
  readonly samples: HealthSample[] = [];
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly ctx: TrafficContext,
    readonly workerdPid: number | undefined,
    readonly intervalMs: number,
  ) {}

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  latest(): HealthSample | undefined {
    return this.samples.at(-1);
  }

  /** Resolves once a sample that started after `since` reports ok with a closed circuit. */
  async waitForHealthy(since: number, timeoutMs: number): Promise<HealthSample | undefined> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const healthy = this.samples.find((s) => s.start >= since && s.status === "ok" && s.circuit === "closed");
      if (healthy) return healthy;
      await sleep(50);
    }
    return undefined;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const { response, record } = await send(this.ctx, "health", undefined, "/health", {}, {}, () => ({}));
      const body = jsonOf<HealthBody>(response.body);
      const rss = this.workerdPid === undefined ? undefined : residentBytes(this.workerdPid);
      this.samples.push({
        start: record.start,
        end: record.end,
        phase: record.phase,
        httpStatus: response.status,
        ...(body
          ? {
              status: body.status,
              circuit: body.redis?.circuit,
              reachable: body.redis?.reachable,
              l1Bytes: body.l1.bytes,
              l1Entries: body.l1.entries,
              budgetBytes: body.l1.budgetBytes,
            }
          : {}),
        ...(rss === undefined ? {} : { rssBytes: rss }),
      });
      await sleep(this.intervalMs);
    }
  }
}
