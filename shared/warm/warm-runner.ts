import { getEntryScript, setEntryScript } from "../cache/upstash/entry-scripts";
import { type LuaScript, scriptSha } from "../redis/lua-script";
import type { RedisCommand, RedisRunner } from "../redis/redis-client";
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

/**
 * Turns EVALSHA of a known script into EVAL, so one `run` is always one request. Warming's
 * runner (l2/database.ts) has no transport retries and no NOSCRIPT re-sends, so one `run` is
 * exactly one subrequest and the budget counts what the platform counts. A failed request is
 * not retried: the cursor makes the next invocation pick the work up.
 */
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
