import type { GatewayFaults } from "../../test/helpers/worker/gateway-control.ts";
import type { ProxyFault } from "./stack/fault-proxy.ts";

/** One fault the run injects while traffic flows. */
export interface FaultPlan {
  name: string;
  what: string;
  /** Redis unusable for the duration: /health must degrade, then recover. */
  outage: boolean;
  /** SIGKILL redis-server and restart it on the same port, instead of a gateway fault. */
  redisKill?: true;
  gateway?: Partial<GatewayFaults>;
  /** A fault after the command ran (bench/chaos/stack/fault-proxy.ts). */
  proxy?: ProxyFault;
}

const kill = (n: number): FaultPlan => ({
  name: `redis-kill-${n}`,
  what: "redis-server SIGKILLed, restarted on the same port (append-only file replayed)",
  outage: true,
  redisKill: true,
});

export const FAULT_PLANS: readonly FaultPlan[] = [
  kill(1),
  { name: "gateway-hang", what: "gateway accepts requests and never answers", outage: true, gateway: { hang: true } },
  kill(2),
  {
    name: "gateway-slow",
    what: "gateway latency 100 ms + 0-100 ms jitter (p99 ≈ 200 ms, under the 300 ms deadline)",
    outage: false,
    gateway: { latencyMs: 100, jitterMs: 100 },
  },
  { name: "gateway-5xx", what: "every gateway request answered 503", outage: true, gateway: { errorRate: 1, errorStatus: 503 } },
  kill(3),
  { name: "gateway-garbage", what: "gateway answers 200 with a body that is not JSON", outage: true, gateway: { garbage: true } },
  {
    name: "gateway-refuse",
    what: "gateway resets every connection on arrival (the SDK retries once)",
    outage: true,
    gateway: { refuse: true },
  },
  {
    name: "reset-after-apply",
    what: "every command runs in Redis, then its connection is reset instead of answered: the SDK retries, so each runs twice",
    outage: true,
    proxy: { mode: "reset-after-apply" },
  },
  {
    name: "late-reply",
    what: "every command runs in Redis, then its answer is held 150-550 ms: most arrive after the 300 ms deadline",
    outage: false,
    proxy: { mode: "late-reply", latencyMs: 150, jitterMs: 400 },
  },
  {
    name: "late-delivery",
    what: "every request held 100-700 ms, then run even if the worker gave up: most miss the deadline, writes land late and out of order",
    outage: false,
    proxy: { mode: "late-delivery", latencyMs: 100, jitterMs: 600 },
  },
];
