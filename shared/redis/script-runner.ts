import { type LuaScript, scriptSha } from "./lua-script";
import type { RedisCommand, RedisReply, RedisRunner } from "./redis-client";
import { RequestTooLargeError } from "./request-errors";

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: string[];
}

export type Call = ScriptCall | RedisCommand;

/**
 * Sends script calls as EVALSHA. A Redis that lost its script cache (restart, failover) answers
 * NOSCRIPT; only those calls are re-sent once as EVAL, which also reloads the script. The re-send
 * goes through the runner's request-size check like any request.
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
  const retried = await resend(
    runner,
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

/**
 * The EVAL re-send carries each script's source, so a request that fitted as EVALSHA can be over
 * the limit by those few kilobytes: it then goes as two halves, side by side (no longer to wait
 * for than one request). A single call that still does not fit fails with RequestTooLargeError.
 */
async function resend(runner: RedisRunner, evals: RedisCommand[]): Promise<RedisReply[]> {
  try {
    return await runner.run(evals);
  } catch (error) {
    if (!(error instanceof RequestTooLargeError) || evals.length < 2) throw error;
    const half = Math.ceil(evals.length / 2);
    const [first, second] = await Promise.all([runner.run(evals.slice(0, half)), runner.run(evals.slice(half))]);
    return [...first, ...second];
  }
}

/**
 * How long a call through `runCalls` can stay unsettled when its request is not cancelled: the
 * EVALSHA request and its NOSCRIPT re-send, one after the other, each cut at the runner's
 * deadline (retries included), plus time for the CPU work around them (encoding and inflating a
 * large entry). "In progress" markers that outlive this were left by a cancelled request.
 */
export function longestCallMs(requestTimeoutMs: number): number {
  return 2 * requestTimeoutMs + 500;
}

function isScriptCall(call: Call): call is ScriptCall {
  return "script" in call;
}
