import { setTimeout as sleep } from "node:timers/promises";
import type { Journal } from "../traffic/journal.ts";

/** Runtime.getHeapUsage of the worker's isolate, through workerd's inspector. */
export interface HeapSample {
  at: number;
  phase: string;
  /** Objects on the V8 heap, live or awaiting collection. */
  usedSize: number;
  totalSize: number;
  /** ArrayBuffer contents (bodies, L1 values), outside the V8 heap proper; freed only after a GC. */
  backingStorageSize: number;
  embedderHeapUsedSize: number;
  /** True when taken right after two forced full collections: what the isolate really retains. */
  afterGc: boolean;
}

/** The isolate's memory as the Workers limit counts it: heap objects plus ArrayBuffer contents. */
export const isolateBytes = (s: HeapSample) => s.usedSize + s.backingStorageSize + s.embedderHeapUsedSize;

/** workerd's V8 flags (ISOLATE_V8_FLAGS) include --expose-gc, so the inspector can collect on demand. */
const COLLECT = "gc(); gc(); 'collected'";

/**
 * Reads the isolate's memory over the DevTools protocol, the one window workerd offers from
 * outside: periodic samples (which include garbage not yet collected) and, on demand, samples
 * after forced full collections (what the isolate retains).
 */
export class HeapSampler {
  readonly samples: HeapSample[] = [];
  #socket: WebSocket | undefined;
  #contextId: number | undefined;
  #nextId = 1;
  readonly #waiting = new Map<number, (result: unknown) => void>();
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly inspectorUrl: string,
    readonly journal: Journal,
    readonly intervalMs: number,
  ) {}

  async start(): Promise<void> {
    const socket = new WebSocket(this.inspectorUrl);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener("open", () => resolve(), { once: true });
      socket.addEventListener("error", () => reject(new Error(`chaos: cannot open the inspector at ${this.inspectorUrl}`)), { once: true });
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as {
        id?: number;
        result?: unknown;
        method?: string;
        params?: { context?: { id: number } };
      };
      if (message.method === "Runtime.executionContextCreated") this.#contextId = message.params?.context?.id;
      if (message.id === undefined) return;
      const settle = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      settle?.(message.result);
    });
    this.#socket = socket;
    await this.#call("Runtime.enable");
    this.#loop = (async () => {
      while (!this.#stopped) {
        await this.sample(false);
        await sleep(this.intervalMs);
      }
    })();
  }

  /** One sample; with `collect`, after two forced full collections. */
  async sample(collect: boolean): Promise<HeapSample | undefined> {
    if (collect) {
      const evaluated = await this.#call("Runtime.evaluate", { expression: COLLECT, contextId: this.#contextId });
      if ((evaluated as { result?: { value?: unknown } } | undefined)?.result?.value !== "collected") return undefined;
    }
    const usage = (await this.#call("Runtime.getHeapUsage")) as Omit<HeapSample, "at" | "phase" | "afterGc"> | undefined;
    if (!usage) return undefined;
    const sample = { at: Date.now(), phase: this.journal.phase, ...usage, afterGc: collect };
    this.samples.push(sample);
    return sample;
  }

  #call(method: string, params?: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(undefined);
      }, 5000);
      this.#waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      this.#socket?.send(JSON.stringify({ id, method, ...(params === undefined ? {} : { params }) }));
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    this.#socket?.close();
  }
}
