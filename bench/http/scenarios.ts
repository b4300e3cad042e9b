import { VALUE } from "../workers/value.ts";
import type { WorkerName } from "./fixture.ts";
import type { RequestPlan } from "./request-plan.ts";

export const CONTENT_TYPE = "text/html; charset=utf-8";
/** Longer than any run, so no seeded entry expires mid-benchmark. */
export const LONG_TTL_QUERY = "?ttl=86400";
export const HOT_KEY = "hot";
export const BATCH_SIZE = 100;
export const batchKeys = Array.from({ length: BATCH_SIZE }, (_, i) => `batch/${i}`);
export const MIXED_PREFIX = "mixed/";
/** 64 bytes: longer than every prefix length the prefixed tenant has invalidated, so a read checks them all. */
export const LONG_KEY = `catalogue/${"x".repeat(54)}`;
/** The prefixed tenant's prefix invalidations: 32 distinct lengths (the most a tenant may use), none covering LONG_KEY. */
export const PREFIX_MARKS = Array.from({ length: 32 }, (_, i) => "z".repeat(i + 1));

export interface Scenario {
  id: string;
  /** The letter of the list, (a) to (h). */
  letter: string;
  label: string;
  /** For the chart, where a long label would not fit. */
  shortLabel: string;
  worker: WorkerName;
  /** edge-cache scenarios, whose stats flushes are counted. */
  edgeCache: boolean;
  /** Also run with added gateway latency. */
  withLatency: boolean;
  /** The peer scenario doing the same work, for the "edge-cache ≥ peer" comparison. */
  peer?: string;
  /** The hand-written SDK scenario doing the same work, where it is not one GET (`naive`). */
  naive?: string;
  /** `prefixed`: as the tenant whose prefix invalidations the seed fills (PREFIX_MARKS). */
  tenant?: "prefixed";
  plan(options: { mixedKeyCount: number }): RequestPlan;
  /**
   * What a single request must answer before the scenario may run: a wrong setup fails fast.
   * `sameHeaderNamesAs`: a worker whose answer to the same request must carry the same header
   * names, so a reference that stands in for another's wire contract cannot drift from it.
   */
  probe: { status: number; xCache?: string; sameHeaderNamesAs?: WorkerName };
}

const get = (key: string): RequestPlan => ({ kind: "get", path: `/v1/cache/${key}` });

export const SCENARIOS: readonly Scenario[] = [
  {
    id: "limit",
    letter: "a",
    label: "bare Hono route (limit)",
    shortLabel: "(a) bare route (limit)",
    worker: "limit",
    edgeCache: false,
    withLatency: false,
    plan: () => get(HOT_KEY),
    probe: { status: 200 },
  },
  {
    id: "limit-headers",
    letter: "a",
    label: "bare Hono route with edge-cache's nine response headers (limit-headers)",
    shortLabel: "(a) bare route + headers",
    worker: "limitHeaders",
    edgeCache: false,
    withLatency: false,
    plan: () => get(HOT_KEY),
    probe: { status: 200, sameHeaderNamesAs: "edge" },
  },
  {
    id: "naive",
    letter: "b",
    label: "naive: one @upstash/redis GET",
    shortLabel: "(b) naive SDK GET",
    worker: "naive",
    edgeCache: false,
    withLatency: true,
    plan: () => get(HOT_KEY),
    probe: { status: 200 },
  },
  {
    id: "naive-set",
    letter: "b",
    label: "naive: one @upstash/redis SET",
    shortLabel: "(b) naive SDK SET",
    worker: "naive",
    edgeCache: false,
    withLatency: false,
    plan: () => ({ kind: "put", path: "/v1/cache/set-target", body: VALUE, contentType: CONTENT_TYPE }),
    probe: { status: 201 },
  },
  {
    id: "naive-batch",
    letter: "b",
    label: "naive: one @upstash/redis MGET of 100 keys",
    shortLabel: "(b) naive SDK MGET of 100",
    worker: "naive",
    edgeCache: false,
    withLatency: false,
    plan: () => ({ kind: "post-json", path: "/v1/batch", body: JSON.stringify({ get: batchKeys }) }),
    probe: { status: 200 },
  },
  {
    id: "peer-memory",
    letter: "c",
    label: "peer @unkey/cache, memory hit",
    shortLabel: "(c) peer, memory hit",
    worker: "peer",
    edgeCache: false,
    withLatency: true,
    plan: () => get("hot-memory"),
    probe: { status: 200 },
  },
  {
    id: "peer-upstash",
    letter: "c",
    label: "peer @unkey/cache, Upstash read",
    shortLabel: "(c) peer, Upstash read",
    worker: "peer",
    edgeCache: false,
    withLatency: true,
    plan: () => get("hot-upstash"),
    probe: { status: 200 },
  },
  {
    id: "l1-hit",
    letter: "d",
    label: "edge-cache GET, L1 hit",
    shortLabel: "(d) L1 hit",
    worker: "edge",
    edgeCache: true,
    withLatency: true,
    peer: "peer-memory",
    plan: () => get(HOT_KEY),
    probe: { status: 200, xCache: "HIT-L1" },
  },
  {
    id: "l2-revalidate",
    letter: "e",
    // With no concurrency every GET revalidates against Redis. Concurrent GETs of one key share one
    // revalidation at a time and the others are served the copy it checks (tiered-store.ts), so
    // at 32 connections most of this scenario is L1: l2Share in the results says how much.
    label: "edge-cache GET, L1_MAX_TTL_SECONDS=0 (revalidates every GET)",
    shortLabel: "(e) L1 TTL 0 (revalidate)",
    worker: "edgeRevalidate",
    edgeCache: true,
    withLatency: true,
    peer: "peer-upstash",
    plan: () => get(HOT_KEY),
    probe: { status: 200, xCache: "HIT-L2" },
  },
  {
    id: "l2-no-l1",
    letter: "e",
    label: "edge-cache GET from L2 (L1 disabled)",
    shortLabel: "(e) L2 read, no L1",
    worker: "edgeNoL1",
    edgeCache: true,
    withLatency: true,
    peer: "peer-upstash",
    plan: () => get(HOT_KEY),
    probe: { status: 200, xCache: "HIT-L2" },
  },
  {
    id: "l2-long-key",
    letter: "e",
    label: "edge-cache GET from L2 (L1 disabled), 64-byte key",
    shortLabel: "(e) L2 read, 64-byte key",
    worker: "edgeNoL1",
    edgeCache: true,
    withLatency: false,
    plan: () => get(LONG_KEY),
    probe: { status: 200, xCache: "HIT-L2" },
  },
  {
    id: "l2-prefix-marks",
    letter: "e",
    label: "edge-cache GET from L2 (L1 disabled), 64-byte key, 32 prefix lengths invalidated",
    shortLabel: "(e) L2 read, 32 prefix lengths",
    worker: "edgeNoL1",
    edgeCache: true,
    withLatency: false,
    tenant: "prefixed",
    plan: () => get(LONG_KEY),
    probe: { status: 200, xCache: "HIT-L2" },
  },
  {
    id: "set",
    letter: "f",
    label: "edge-cache SET (PUT)",
    shortLabel: "(f) SET",
    worker: "edge",
    edgeCache: true,
    withLatency: false,
    naive: "naive-set",
    plan: () => ({ kind: "put", path: "/v1/cache/set-target", body: VALUE, contentType: CONTENT_TYPE }),
    probe: { status: 201 },
  },
  {
    id: "batch-l1",
    letter: "g",
    label: "edge-cache batch of 100 GETs",
    shortLabel: "(g) batch of 100",
    worker: "edge",
    edgeCache: true,
    withLatency: false,
    naive: "naive-batch",
    plan: () => ({ kind: "post-json", path: "/v1/batch", body: JSON.stringify({ get: batchKeys }) }),
    probe: { status: 200 },
  },
  {
    id: "batch-l2",
    letter: "g",
    label: "edge-cache batch of 100 GETs, L1_MAX_TTL_SECONDS=0 (all from Redis)",
    shortLabel: "(g) batch of 100, from L2",
    worker: "edgeRevalidate",
    edgeCache: true,
    withLatency: false,
    naive: "naive-batch",
    plan: () => ({ kind: "post-json", path: "/v1/batch", body: JSON.stringify({ get: batchKeys }) }),
    probe: { status: 200 },
  },
  {
    id: "mixed",
    letter: "h",
    label: "edge-cache 90% GET / 10% SET, Zipf 1.0",
    shortLabel: "(h) mixed 90/10, Zipf 1.0",
    worker: "edge",
    edgeCache: true,
    withLatency: true,
    plan: ({ mixedKeyCount }) => ({
      kind: "mixed",
      keyPrefix: `/v1/cache/${MIXED_PREFIX}`,
      keyCount: mixedKeyCount,
      alpha: 1.0,
      setShare: 0.1,
      seed: 0x5eed_10,
      body: VALUE,
      contentType: CONTENT_TYPE,
      putQuery: LONG_TTL_QUERY,
    }),
    probe: { status: 200 },
  },
];
