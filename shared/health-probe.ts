import type { CircuitBreaker } from "./redis/circuit-breaker";
import type { RedisRunner } from "./redis/redis-client";

export interface ProbeResult {
  reachable: boolean;
  latencyMs: number | null;
}

export interface HealthProbeOptions {
  /** Redis behind the store's circuit breaker. */
  runner: RedisRunner;
  breaker: CircuitBreaker;
  /** How long a probe's result answers health checks before Redis is asked again. @default 1000 */
  reuseMs?: number;
  /**
   * How long a probe may stay unsettled before it is taken for cancelled with its request (its
   * `finally` may never run in Workers) and no longer holds other checks back. Set it to the
   * longest a call can take (script-runner.ts `longestCallMs`). @default 2500
   */
  inFlightTimeoutMs?: number;
  now?: () => number;
}

/**
 * Pings Redis for /health at most once per `reuseMs` per isolate: /health needs no token, so
 * without this anyone could turn a flood of health checks into a flood of Redis commands. Checks
 * in between reuse the last result. A half-open circuit is always probed: the breaker lets one
 * call through, and that is how health closes the circuit without any other traffic.
 */
export class HealthProbe {
  readonly #runner: RedisRunner;
  readonly #breaker: CircuitBreaker;
  readonly #reuseMs: number;
  readonly #inFlightTimeoutMs: number;
  readonly #now: () => number;
  #last: (ProbeResult & { startedAt: number }) | undefined;
  #inFlightSince: number | undefined;

  constructor(options: HealthProbeOptions) {
    this.#runner = options.runner;
    this.#breaker = options.breaker;
    this.#reuseMs = options.reuseMs ?? 1000;
    this.#inFlightTimeoutMs = options.inFlightTimeoutMs ?? 2500;
    this.#now = options.now ?? Date.now;
  }

  async probe(): Promise<ProbeResult> {
    const now = this.#now();
    const last = this.#last;
    const state = this.#breaker.state;
    if (state !== "half-open") {
      const inFlight = this.#inFlightSince !== undefined && now - this.#inFlightSince < this.#inFlightTimeoutMs;
      if (last && (inFlight || now - last.startedAt < this.#reuseMs)) return { reachable: last.reachable, latencyMs: last.latencyMs };
      // The isolate's first probe is still out: the breaker's state is the best evidence there is.
      // Awaiting that probe instead could cancel this request with the one that sent it.
      if (inFlight) return { reachable: state === "closed", latencyMs: null };
    }
    this.#inFlightSince = now;
    try {
      // Through the breaker: an open circuit answers at once, without a request.
      const reachable = await this.#runner.run([{ op: "ping" }]).then(
        ([reply]) => reply?.ok === true,
        () => false,
      );
      const result = { reachable, latencyMs: reachable ? this.#now() - now : null };
      if (!this.#last || this.#last.startedAt <= now) this.#last = { ...result, startedAt: now };
      return result;
    } finally {
      if (this.#inFlightSince === now) this.#inFlightSince = undefined;
    }
  }
}
