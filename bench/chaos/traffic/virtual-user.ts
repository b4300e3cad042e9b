import { setTimeout as sleep } from "node:timers/promises";
import { batch } from "./batch-op.ts";
import { deleteEntry, getEntry, invalidateTags, type PutSpec, putEntry } from "./entry-ops.ts";
import { KEY_COUNTS, type KeyClass, keyName, LIFETIMES, tagOf } from "./key-space.ts";
import type { Access, TrafficContext } from "./send.ts";

export interface VirtualUserOptions {
  access: Access;
  /** Index of this user within its tenant; it owns the keys named after it. */
  vu: number;
  /** Virtual users of the tenant, whose durable keys this one also reads. */
  peers: number;
  /** Pause between two requests, uniformly random in [min, max] ms. */
  thinkMs: [number, number];
  /** Only reads of its own durable keys (the rate-limited token's user). */
  readOnly?: boolean;
}

type Op = (ctx: TrafficContext) => Promise<unknown>;

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const index = (count: number) => Math.floor(Math.random() * count);

/**
 * One sequential client of the worker: it waits for each answer before the next request, so the
 * writes to a key it owns are ordered and "the last acknowledged write" is well defined.
 */
export class VirtualUser {
  readonly #options: VirtualUserOptions;
  readonly #ops: [number, Op][];
  #stopped = false;

  constructor(options: VirtualUserOptions) {
    this.#options = options;
    const { access, vu, peers } = options;
    const own = (keyClass: Exclude<KeyClass, "cold">) => keyName(keyClass, vu, index(KEY_COUNTS[keyClass]));
    const put = (keyClass: "durable" | "short" | "tagged", n = index(KEY_COUNTS[keyClass])): PutSpec => ({
      key: keyName(keyClass, vu, n),
      keyClass,
      lifetime: LIFETIMES[keyClass],
      binary: keyClass === "durable" && Math.random() < 0.3,
      length: keyClass === "durable" ? 96 + index(2400) : 96 + index(200),
      ...(keyClass === "tagged" ? { tags: [tagOf(vu, n)] } : {}),
    });
    const anyDurable = () => ({ key: keyName("durable", index(peers), index(KEY_COUNTS.durable)), keyClass: "durable" as const });
    const readOwn: Op = (ctx) => getEntry(ctx, access, own("durable"), "durable");
    this.#ops = options.readOnly
      ? [[1, readOwn]]
      : [
          [22, readOwn],
          [18, (ctx) => getEntry(ctx, access, anyDurable().key, "durable")],
          [12, (ctx) => putEntry(ctx, access, put("durable"))],
          [10, (ctx) => getEntry(ctx, access, own("short"), "short")],
          [6, (ctx) => putEntry(ctx, access, put("short"))],
          // Two writes of one key back to back: if the first is held past its deadline and lands
          // after the second, an older value replaces an acknowledged one.
          [
            3,
            async (ctx) => {
              const n = index(KEY_COUNTS.durable);
              await putEntry(ctx, access, put("durable", n));
              await putEntry(ctx, access, put("durable", n));
            },
          ],
          [6, (ctx) => batch(ctx, access, [anyDurable(), anyDurable(), anyDurable()], [put("durable"), put("durable")])],
          [5, (ctx) => putEntry(ctx, access, put("tagged"))],
          [4, (ctx) => getEntry(ctx, access, own("tagged"), "tagged")],
          [3, (ctx) => deleteEntry(ctx, access, own("tagged"), "tagged")],
          [2, (ctx) => invalidateTags(ctx, access, [tagOf(vu, index(2))])],
          [4, (ctx) => getEntry(ctx, access, keyName("cold", vu, index(KEY_COUNTS.cold)), "cold")],
        ];
  }

  /** Writes every owned durable and short key once, so L1 holds them before faults begin. */
  async seed(ctx: TrafficContext): Promise<void> {
    if (this.#options.readOnly) return;
    const { access, vu } = this.#options;
    for (let n = 0; n < KEY_COUNTS.durable; n++) {
      await putEntry(ctx, access, {
        key: keyName("durable", vu, n),
        keyClass: "durable",
        lifetime: LIFETIMES.durable,
        binary: n % 3 === 0,
        length: 200 + n * 100,
      });
    }
    for (let n = 0; n < KEY_COUNTS.short; n++) {
      await putEntry(ctx, access, {
        key: keyName("short", vu, n),
        keyClass: "short",
        lifetime: LIFETIMES.short,
        binary: false,
        length: 128,
      });
    }
  }

  async run(ctx: TrafficContext): Promise<void> {
    const total = this.#ops.reduce((sum, [weight]) => sum + weight, 0);
    const [minThink, maxThink] = this.#options.thinkMs;
    while (!this.#stopped) {
      await this.#pick(Math.random() * total)(ctx);
      await sleep(minThink + Math.random() * (maxThink - minThink));
    }
  }

  /** The operation whose share of the total weight `roll` falls in. */
  #pick(roll: number): Op {
    let left = roll;
    for (const [weight, op] of this.#ops) {
      left -= weight;
      if (left < 0) return op;
    }
    return pick(this.#ops)[1];
  }

  stop(): void {
    this.#stopped = true;
  }
}
