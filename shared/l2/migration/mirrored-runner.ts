import type { CircuitBreaker } from "../../redis/circuit-breaker";
import { scriptOfSha } from "../../redis/lua-script";
import type { RedisCommand, RedisRunner } from "../../redis/redis-client";
import { outsideRequestBudget } from "../../redis/request-budget";
import type { MigrationCounters } from "./migration-counters";

export interface MirroredRunnerOptions {
  /** Answers every command. */
  primary: RedisRunner;
  /** Gets the writes, after the primary answered them. */
  secondary: RedisRunner;
  secondaryBreaker: CircuitBreaker;
  counters: MigrationCounters;
  onSecondaryMiss: () => Promise<void>;
}

/**
 * The control plane (tenants, tokens, CORS index, warm plans and their state, stats) during a
 * move: every command goes to the primary, which answers; the writes among them go to the
 * secondary too, so a tenant created or a token revoked in any phase is the same in both.
 * Scripts are writes unless marked read-only; the secondary gets them as EVAL with their source,
 * since its script cache is its own (a NOSCRIPT there would pass unseen).
 */
export function mirroredRunner(options: MirroredRunnerOptions): RedisRunner {
  return {
    requestsPerRun: (options.primary.requestsPerRun ?? 1) + (options.secondary.requestsPerRun ?? 1),
    async run(commands) {
      const replies = await options.primary.run(commands);
      const writes = commands.flatMap((command, i) => (isWrite(command) && replies[i]?.ok ? [asSelfContained(command)] : []));
      if (writes.length > 0) {
        // Outside the request's Redis budget: the secondary failing must not fail the request (migrating-store.ts).
        const answer = await outsideRequestBudget(() =>
          options.secondaryBreaker.run(async () => {
            const mirrored = await options.secondary.run(writes);
            if (mirrored.some((reply) => !reply.ok)) throw new Error("a mirrored command failed");
          }),
        );
        if (!answer.ok) {
          options.counters.secondaryMisses++;
          await options.onSecondaryMiss();
        }
      }
      return replies;
    },
  };
}

function isWrite(command: RedisCommand): boolean {
  switch (command.op) {
    case "del":
    case "hset":
    case "hsetnx":
      return true;
    case "eval":
      return true;
    case "evalsha":
      return !scriptOfSha(command.sha)?.readOnly;
    default:
      return false;
  }
}

function asSelfContained(command: RedisCommand): RedisCommand {
  if (command.op !== "evalsha") return command;
  const script = scriptOfSha(command.sha);
  return script ? { op: "eval", script: script.source, keys: command.keys, args: command.args } : command;
}
