import type { GatewayControl } from "../../../test/helpers/worker/gateway-control.ts";
import { callsSince, type RedisObserver } from "../../http/redis-observer.ts";
import { settle } from "../../http/settle.ts";

/** What one operation cost Redis. */
export interface RedisCost {
  /** HTTP requests the role's gateway scope received: subrequests, as the platform counts them. */
  requests: number;
  /** Commands in those requests (a pipeline of 100 HGETALLs is 1 request, 100 commands). */
  commands: number;
  /**
   * Calls Redis executed, inner calls of scripts included (`INFO commandstats`): one EVALSHA
   * that loops over every tenant shows here, not in the gateway's counts.
   */
  redisCalls: number;
  /** The same, by command name (e.g. `evalsha: 1, hget: 2`). */
  redisCallsByName: Record<string, number>;
}

export interface CostMeter {
  /** Runs `operation` with the scopes' counters at zero, waits until they stop moving, and reads them. */
  measure<T>(scopes: readonly GatewayControl[], operation: () => Promise<T>): Promise<{ value: T; cost: RedisCost }>;
}

/** Work the worker does after its response (waitUntil) lands within this quiet period. */
const SETTLE = { quietMs: 100, maxMs: 10_000 };

// The observer's own INFO calls are not the operation's.
const OWN_COMMANDS = new Set(["info"]);

export function createCostMeter(observer: RedisObserver): CostMeter {
  return {
    async measure(scopes, operation) {
      await Promise.all(scopes.map((scope) => scope.resetCounters()));
      const before = await observer.commandCalls();
      const value = await operation();
      for (const scope of scopes) await settle(scope, SETTLE);
      const counters = await Promise.all(scopes.map((scope) => scope.counters()));
      const calls = callsSince(before, await observer.commandCalls());
      for (const name of OWN_COMMANDS) delete calls[name];
      const redisCalls = Object.values(calls).reduce((sum, n) => sum + n, 0);
      return {
        value,
        cost: {
          requests: counters.reduce((sum, c) => sum + c.requests.total, 0),
          commands: counters.reduce((sum, c) => sum + c.commands.total, 0),
          redisCalls,
          redisCallsByName: calls,
        },
      };
    },
  };
}
