import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { Miniflare, type WorkerOptions } from "miniflare";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../../http/serve.ts";
import { COUNT_PATH, consumerWrapperSource, type QueueCount } from "./consumer-wrapper.ts";
import type { WranglerQueues } from "./wrangler-queues.ts";

/**
 * The isolates of one deployment, each a worker of its own (so each has its own gateway scope,
 * and its Redis requests are counted apart):
 * - `edge` serves HTTP, as the deployed Worker does;
 * - `cron` runs cron ticks with no queue binding: the fallback that runs due plans in the tick;
 * - `cronQueue` runs cron ticks with the queue producer binding of wrangler.toml;
 * - `consumer` consumes that queue with edge-cache's own `queue` handler, wrapped to count messages.
 * In production all four are the same Worker; cron and queue invocations never share an isolate
 * with the traffic, which is what separate workers give here. `edge` runs in a Miniflare
 * instance of its own, so a fresh serving isolate costs one restart of one worker; the other
 * three share one (a queue's producer and consumer must).
 */
export type WorkerRole = "edge" | "cron" | "cronQueue" | "consumer";

export interface ScaleWorkerOptions {
  /** The bundle `wrangler deploy --dry-run` wrote (under the repository: Miniflare wants it under cwd). */
  scriptPath: string;
  /** wrangler.toml's vars, the secrets and any overrides: every role gets them. */
  bindings: Record<string, string>;
  gatewayUrl: string;
  /** The gateway scope (data token) of each role. */
  scopeTokens: Record<WorkerRole, string>;
  queues: WranglerQueues;
  /** Seconds a queue batch may wait to fill before delivery. @default QUEUE_TIMING.batchTimeoutSeconds */
  queueBatchTimeoutSeconds?: number;
  /** Every line the workers write to stdout (their JSON logs). */
  onLogLine?: (line: string) => void;
}

export interface ScaleWorker {
  /** The `edge` worker: http://127.0.0.1:<port> */
  url: string;
  /** Whether wrangler.toml declares a queue, so the `cronQueue` and `consumer` roles exist. */
  hasQueue: boolean;
  /** A fresh serving isolate (its workerd restarts with the same configuration and port). */
  restart(): Promise<void>;
  /** Fires the scheduled handler of a cron role and waits for it, like one cron delivery. */
  tick(role: "cron" | "cronQueue", cron: string, scheduledTime: number): Promise<{ outcome: string; ms: number }>;
  /** What the consumer received since its isolate started. */
  queueCount(): Promise<QueueCount>;
  dispose(): Promise<void>;
}

const CONSUMER_ENTRY = "scale-consumer.js";

/**
 * Messages the measured cron role sends are held this long before delivery, so the consumer's
 * Redis requests never land while the tick's own are still being counted; then a batch waits at
 * most `batchTimeoutSeconds` to fill. Delivery is asynchronous in production too: neither changes
 * what the tick or the consumer does.
 */
export const QUEUE_TIMING = { deliveryDelaySeconds: 1, batchTimeoutSeconds: 0.25 } as const;

export async function startScaleWorker(options: ScaleWorkerOptions): Promise<ScaleWorker> {
  const modulesRoot = dirname(options.scriptPath);
  const bundle = { type: "ESModule" as const, path: options.scriptPath, contents: readFileSync(options.scriptPath, "utf8") };
  const producer = options.queues.producers[0];
  const consumer = options.queues.consumers.find((c) => c.queue === producer?.queue);
  const hasQueue = producer !== undefined && consumer !== undefined;
  const producers = producer ? { queueProducers: { [producer.binding]: { queueName: producer.queue } } } : {};
  const delayedProducers = producer
    ? { queueProducers: { [producer.binding]: { queueName: producer.queue, deliveryDelay: QUEUE_TIMING.deliveryDelaySeconds } } }
    : {};

  const worker = (role: WorkerRole, extra: Partial<WorkerOptions> = {}): WorkerOptions => ({
    name: role,
    modulesRoot,
    modules: [bundle],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: { ...options.bindings, UPSTASH_REDIS_REST_URL: options.gatewayUrl, UPSTASH_REDIS_REST_TOKEN: options.scopeTokens[role] },
    ...extra,
  });
  const background: WorkerOptions[] = [worker("cron")];
  if (hasQueue && consumer) {
    background.push(worker("cronQueue", delayedProducers));
    background.push(
      worker("consumer", {
        ...producers,
        modules: [
          { type: "ESModule", path: join(modulesRoot, CONSUMER_ENTRY), contents: consumerWrapperSource(basename(options.scriptPath)) },
          bundle,
        ],
        queueConsumers: {
          [consumer.queue]: {
            ...(consumer.maxBatchSize === undefined ? {} : { maxBatchSize: consumer.maxBatchSize }),
            ...(consumer.maxRetries === undefined ? {} : { maxRetries: consumer.maxRetries }),
            ...(consumer.deadLetterQueue === undefined ? {} : { deadLetterQueue: consumer.deadLetterQueue }),
            maxBatchTimeout: options.queueBatchTimeoutSeconds ?? QUEUE_TIMING.batchTimeoutSeconds,
          },
        },
      }),
    );
  }
  const onLogLine = options.onLogLine;
  const instance = (workers: WorkerOptions[]) => ({
    host: "127.0.0.1",
    port: 0,
    workers,
    ...(onLogLine
      ? {
          handleRuntimeStdio(stdout: Readable, stderr: Readable) {
            createInterface({ input: stdout }).on("line", onLogLine);
            stderr.resume();
          },
        }
      : {}),
  });
  // The serving worker keeps its producer binding, as deployed; nothing it serves sends.
  const servingConfig = instance([worker("edge", producers)]);
  const serving = new Miniflare(servingConfig);
  const backgroundMf = new Miniflare(instance(background));
  let ready: URL;
  try {
    [ready] = await Promise.all([serving.ready, backgroundMf.ready]);
  } catch (error) {
    await Promise.allSettled([serving.dispose(), backgroundMf.dispose()]);
    throw error;
  }
  return {
    url: ready.origin,
    hasQueue,
    async restart() {
      await serving.setOptions(servingConfig);
      const again = await serving.ready;
      if (again.origin !== ready.origin) throw new Error(`edge-cache bench: the worker moved from ${ready.origin} to ${again.origin}`);
    },
    async tick(role, cron, scheduledTime) {
      const fetcher = await backgroundMf.getWorker(role);
      const started = performance.now();
      const result = await fetcher.scheduled({ cron, scheduledTime: new Date(scheduledTime) });
      return { outcome: result.outcome, ms: performance.now() - started };
    },
    async queueCount() {
      if (!hasQueue) return { messages: 0, deliveries: 0, failedBatches: 0, inFlight: 0 };
      const fetcher = await backgroundMf.getWorker("consumer");
      const response = await fetcher.fetch(`http://consumer${COUNT_PATH}`);
      return (await response.json()) as QueueCount;
    },
    async dispose() {
      await serving.dispose();
      await backgroundMf.dispose();
    },
  };
}
