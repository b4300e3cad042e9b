import { type LuaScript, scriptSha } from "./lua-scripts";
import type { RedisCommand, RedisReply, RedisRunner } from "./redis-client";

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: string[];
}

export type Call = ScriptCall | RedisCommand;

/**
 * Sends script calls as EVALSHA. A Redis that lost its script cache (restart, failover) answers
 * NOSCRIPT; only those calls are re-sent once as EVAL, which also reloads the script.
 */
export async function runCalls(runner: RedisRunner, calls: readonly Call[]): Promise<RedisReply[]> {
  const commands = await Promise.all(
    calls.map(
      async (call): Promise<RedisCommand> =>
        isScriptCall(call) ? { op: "evalsha", sha: await scriptSha(call.script), keys: call.keys, args: call.args } : call,
    ),
  );
  const replies = await runner.run(commands);
  const missing = replies.flatMap((reply, index) => (!reply.ok && reply.error.includes("NOSCRIPT") ? [index] : []));
  if (missing.length === 0) return replies;
  const retried = await runner.run(
    missing.map((index) => {
      const call = calls[index] as ScriptCall;
      return { op: "eval", script: call.script.source, keys: call.keys, args: call.args };
    }),
  );
  missing.forEach((index, i) => {
    replies[index] = retried[i] as RedisReply;
  });
  return replies;
}

function isScriptCall(call: Call): call is ScriptCall {
  return "script" in call;
}
