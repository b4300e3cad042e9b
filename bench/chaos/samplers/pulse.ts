import { setTimeout as sleep } from "node:timers/promises";
import { timedFetch } from "../traffic/http.ts";

/**
 * A request that touches nothing but the worker (an unknown path: no auth, no Redis), sent one at
 * a time every few milliseconds for the whole run. Its latency is the machine's own delay at that
 * moment: loopback, Miniflare, the isolate's queue, and this process (client, gateway and fault
 * proxy share one event loop). When another process takes the CPU, every request in flight
 * waits; the pulse measures by how much.
 */
export class Pulse {
  /** [start, end] epoch ms of each pulse. */
  readonly beats: [number, number][] = [];
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly baseUrl: string,
    readonly intervalMs: number,
  ) {}

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        const response = await timedFetch(`${this.baseUrl}/__chaos/pulse`, {});
        this.beats.push([response.start, response.end]);
        await sleep(this.intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  latencies(from: number, to: number): number[] {
    return this.beats.filter(([start]) => start >= from && start < to).map(([start, end]) => end - start);
  }

  /**
   * The most a pulse overlapping [start, end] took beyond `usualMs`: how long the machine held
   * every request back meanwhile, whatever the service did.
   */
  delayDuring(start: number, end: number, usualMs: number): number {
    let worst = 0;
    for (const [from, to] of this.beats) {
      if (to > start && from < end) worst = Math.max(worst, to - from - usualMs);
    }
    return worst;
  }
}
