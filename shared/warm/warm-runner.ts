import { getEntryScript, type LuaScript, scriptSha, setEntryScript } from "../cache/lua-scripts";
import { createUpstashRunner, type RedisCommand, type RedisRunner } from "../cache/redis-client";
import { type Config, usesRedis } from "../env";
import { recordAccessScript, takeHotKeysScript } from "./access-counts";
import { claimDueScript, readDueHeadsScript, releaseClaimsScript } from "./due-index";
import { acquireLeaseScript, releaseLeaseScript } from "./lease";
import { lookupOriginScript } from "./origin-index";
import { deletePlanScript, putPlanScript, readFieldsScript, readHashFieldsScript, readHashScript, readListScript } from "./plan-store";
import { reindexTenantScript, scanWarmTenantsScript } from "./reindex";
import { beginRunScript, finishRunScript } from "./run-state";

/**
 * Every script warming runs. They are sent as EVAL with their source, never EVALSHA: a Redis
 * that lost its script cache answers EVALSHA with NOSCRIPT and the call is re-sent, a second
 * subrequest the budget did not plan for. A script missing here still works, as EVALSHA.
 */
const WARM_SCRIPTS: readonly LuaScript[] = [
  getEntryScript,
  setEntryScript,
  acquireLeaseScript,
  releaseLeaseScript,
  beginRunScript,
  finishRunScript,
  putPlanScript,
  deletePlanScript,
  readHashScript,
  readHashFieldsScript,
  readFieldsScript,
  readListScript,
  recordAccessScript,
  takeHotKeysScript,
  readDueHeadsScript,
  claimDueScript,
  releaseClaimsScript,
  lookupOriginScript,
  scanWarmTenantsScript,
  reindexTenantScript,
];

let sourcesBySha: Promise<Map<string, string>> | undefined;

function scriptSources(): Promise<Map<string, string>> {
  sourcesBySha ??= Promise.all(WARM_SCRIPTS.map(async (script) => [await scriptSha(script), script.source] as const)).then(
    (pairs) => new Map(pairs),
  );
  return sourcesBySha;
}

/** Turns EVALSHA of a known script into EVAL, so one `run` is always one request. */
export function evalScriptsRunner(inner: RedisRunner): RedisRunner {
  return {
    async run(commands) {
      const sources = await scriptSources();
      return inner.run(
        commands.map((command): RedisCommand => {
          const source = command.op === "evalsha" ? sources.get(command.sha) : undefined;
          return command.op === "evalsha" && source ? { op: "eval", script: source, keys: command.keys, args: command.args } : command;
        }),
      );
    },
  };
}

const runners = new WeakMap<Config, RedisRunner>();

/**
 * The Redis runner warming uses: the same database, but without transport retries and without
 * NOSCRIPT re-sends, so one `run` is exactly one subrequest and the budget counts what the
 * platform counts. A failed request is not retried: the cursor makes the next invocation pick
 * the work up.
 */
export function warmRunnerFor(config: Config): RedisRunner | undefined {
  if (!usesRedis(config)) return undefined;
  let runner = runners.get(config);
  if (!runner) {
    runner = evalScriptsRunner(
      createUpstashRunner({
        url: config.UPSTASH_REDIS_REST_URL as string,
        token: config.UPSTASH_REDIS_REST_TOKEN as string,
        // Off the request path and writing batches of up to megabytes: a longer deadline than reads.
        timeoutMs: Math.max(config.L2_TIMEOUT_MS, 5000),
        retries: 0,
      }),
    );
    runners.set(config, runner);
  }
  return runner;
}
