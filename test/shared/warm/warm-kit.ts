import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { buildApp } from "../../../functions/app";
import { runScheduled } from "../../../functions/scheduled";
import { consumeWarmQueue } from "../../../functions/warm-queue";
import type { TenantId } from "../../../shared/cache/keys";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import type { WarmPlan } from "../../../shared/warm/plan-schema";
import type { WarmQueue, WarmRun } from "../../../shared/warm/warm-queue";
import type { GatewayControl } from "../../helpers/worker/gateway-control";
import { gatewayScope, redisRunner, type TestApp, type TestTenant, testApp } from "../../helpers/worker/test-env";

/**
 * Shared by the warming tests: the test origin server (test/helpers/node/origin-server.ts), an
 * app with the warm routes mounted, and a way to fire cron triggers at it. Everything runs
 * under a gateway scope of its own, so Redis requests can be counted per test.
 *
 * Cron ticks run without the warm queue unless a test gives one: the real binding's consumer
 * would run in the background with the suite's own env, not this harness's.
 */

export const ORIGIN_URL = env.ORIGIN_URL;
export const ORIGIN_HOST = new URL(env.ORIGIN_URL).host;

export interface OriginBehaviour {
  body?: string;
  contentType?: string;
  etag?: string | null;
  lastModified?: string;
  status?: number;
  delayMs?: number;
  failTimes?: number;
}

export interface OriginStats {
  total: number;
  paths: Record<
    string,
    {
      hits: number;
      conditional: number;
      notModified: number;
      lastIfNoneMatch?: string;
      lastIfModifiedSince?: string;
      lastXHeaders?: Record<string, string>;
    }
  >;
}

/** A path prefix no other test uses; its URLs and counts are this test's alone. */
export function originPrefix(): string {
  return `/o-${crypto.randomUUID().slice(0, 12)}/`;
}

export async function setOrigin(prefix: string, behaviour: OriginBehaviour): Promise<void> {
  const response = await fetch(`${ORIGIN_URL}/__origin/routes`, { method: "PUT", body: JSON.stringify({ prefix, ...behaviour }) });
  if (!response.ok) throw new Error(`origin control: ${response.status}`);
  await response.body?.cancel();
}

export async function originStats(prefix: string): Promise<OriginStats> {
  const response = await fetch(`${ORIGIN_URL}/__origin/stats?prefix=${encodeURIComponent(prefix)}`);
  return (await response.json()) as OriginStats;
}

export interface WarmHarness {
  base: TestApp;
  tenant: TestTenant;
  env: Record<string, string>;
  gateway: GatewayControl;
  /** Through the full app, as the tenant (or another token). */
  as(path: string, init?: RequestInit, token?: string): Promise<Response>;
  putPlan(name: string, plan: unknown): Promise<Response>;
  /** Saves the tenant's lifetime policies. This harness's isolate keeps the record it read; `base.otherIsolate()` writes with them. */
  putLifetimePolicies(policies: unknown[]): Promise<void>;
  /** Fires a cron trigger at runScheduled and waits for its waitUntil work. */
  cron(cron: string, scheduledTime?: number): Promise<void>;
  /** Deletes every plan this harness created, so later cron runs in the file do not see them. */
  cleanUp(): Promise<void>;
}

export interface WarmHarnessOptions {
  budget?: number;
  vars?: Record<string, string>;
  scopes?: string[];
  originHosts?: string[];
  /** The tenant's own limits (warm caps among them). */
  limits?: Record<string, unknown>;
  /** The producer binding cron ticks see. @default none: ticks run what they claim themselves */
  queue?: WarmQueue | RecordingQueue;
}

export async function warmHarness(options: WarmHarnessOptions = {}): Promise<WarmHarness> {
  const scope = await gatewayScope();
  const base = await testApp({
    tenants: 1,
    tenant: {
      record: { originHosts: options.originHosts ?? [ORIGIN_HOST], ...(options.limits ? { limits: options.limits } : {}) },
      ...(options.scopes ? { scopes: options.scopes } : {}),
    },
    vars: {
      UPSTASH_REDIS_REST_TOKEN: scope.token,
      ALLOW_PRIVATE_ORIGINS: "true",
      WARM_SUBREQUEST_BUDGET: String(options.budget ?? 50),
      STATS_FLUSH_INTERVAL_MS: "3600000",
      ...options.vars,
    },
  });
  const tenant = base.tenants[0] as TestTenant;
  const cronEnv: Record<string, unknown> = { ...base.env };
  delete cronEnv.WARM_QUEUE;
  if (options.queue) cronEnv.WARM_QUEUE = options.queue;
  if (options.queue && "attach" in options.queue) options.queue.attach(base.env);
  const app = buildApp();
  const plans = new Set<string>();
  const as = async (path: string, init: RequestInit = {}, token = tenant.token) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const ctx = createExecutionContext();
    const response = await app.request(path, { ...init, headers }, base.env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    base,
    tenant,
    env: base.env,
    gateway: scope.control,
    as,
    putPlan: (name, plan) => {
      plans.add(name);
      return as(`/v1/warm/plans/${name}`, { method: "PUT", body: JSON.stringify(plan), headers: { "Content-Type": "application/json" } });
    },
    putLifetimePolicies: async (policies) => {
      const saved = await as("/v1/policies/lifetimes", {
        method: "PUT",
        body: JSON.stringify({ policies }),
        headers: { "Content-Type": "application/json" },
      });
      if (saved.status !== 200) throw new Error(`test setup: policies not saved (${saved.status}): ${await saved.text()}`);
    },
    cron: async (cron, scheduledTime = Date.now()) => {
      const ctx = createExecutionContext();
      await runScheduled(createScheduledController({ cron, scheduledTime }), cronEnv as unknown as Env, ctx);
      await waitOnExecutionContext(ctx);
    },
    cleanUp: async () => {
      for (const name of plans) await as(`/v1/warm/plans/${name}`, { method: "DELETE" });
    },
  };
}

/** A plan as the API would store it, for tests that write plans straight to Redis. */
export function storedPlan(name: string, plan: Partial<WarmPlan> = {}): WarmPlan {
  return {
    name,
    schedule: "0 * * * *",
    targets: [{ key: "home", url: "https://api.example.com/home", tags: [], headers: {} }],
    priority: 0,
    ttl: 300,
    swr: 0,
    ttlRules: [],
    limits: { concurrency: 4, retries: 1, timeoutMs: 5000, maxBytes: 1_048_576, batchSize: 20 },
    updatedAt: Date.now(),
    ...plan,
  };
}

export interface RecordingQueue extends WarmQueue {
  /** Every run sent, in order. */
  sent: WarmRun[];
  calls: number;
  /** Refuse sends, as a queue whose daily allowance is spent does. */
  refuse: boolean;
  /** Runs to lose on the way: recorded as sent, never delivered. */
  lose: (run: WarmRun) => boolean;
  /** Set by the harness: where sent runs are delivered. */
  attach(env: Record<string, unknown>): void;
}

/**
 * A producer binding that records what it is sent and delivers it at once to the consumer, in
 * batches of wrangler.toml's `max_batch_size` (5), redelivering what a batch retries. Delivery
 * matters beyond the test: a tick claims every tenant's due plans, other tests' included, and
 * a claim never delivered would hold their plans for the claim's whole lease.
 */
export function recordingQueue(): RecordingQueue {
  let consumerEnv: Record<string, unknown> | undefined;
  const deliver = async (runs: WarmRun[]) => {
    if (!consumerEnv) return;
    for (let attempt = 1; runs.length > 0 && attempt <= 3; attempt++) {
      const retried: WarmRun[] = [];
      for (let i = 0; i < runs.length; i += 5) {
        const slice = runs.slice(i, i + 5);
        const batch = createMessageBatch(
          "edge-cache-warm",
          slice.map((body, j) => ({ id: `r${i + j}`, timestamp: Date.now(), attempts: attempt, body })),
        );
        const ctx = createExecutionContext();
        await consumeWarmQueue(batch, consumerEnv as unknown as Env, ctx);
        const result = await getQueueResult(batch, ctx);
        for (const { msgId } of result.retryMessages) retried.push(slice[Number(msgId.slice(1)) - i] as WarmRun);
      }
      runs = retried;
    }
  };
  const queue: RecordingQueue = {
    sent: [],
    calls: 0,
    refuse: false,
    lose: () => false,
    attach(env) {
      consumerEnv = env;
    },
    async sendBatch(messages: Iterable<MessageSendRequest<WarmRun>>) {
      queue.calls++;
      if (queue.refuse) throw new Error("Queue sendBatch failed: Too Many Requests");
      const runs = [...messages].map((message) => message.body);
      queue.sent.push(...runs);
      await deliver(runs.filter((run) => !queue.lose(run)));
    },
  };
  return queue;
}

export const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

const entries = new UpstashStore({ runner: redisRunner(), codec: { compressionThresholdBytes: 1024 } });

/** The lifetime, in seconds, of the key's entry in L2 as it was written: ttl, then swr. */
export async function storedLifetime(tenant: TenantId, key: string): Promise<{ ttl: number; swr: number } | undefined> {
  const entry = (await entries.get({ tenant, key }))?.entry;
  return entry && { ttl: (entry.freshUntil - entry.createdAt) / 1000, swr: (entry.staleUntil - entry.freshUntil) / 1000 };
}
