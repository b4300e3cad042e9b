import { type LuaScript, scriptSha } from "./lua-script";
import type { RedisCommand, RedisReply, RedisRunner } from "./redis-client";
import { RequestTooLargeError } from "./request-errors";

export interface ScriptCall {
  script: LuaScript;
  keys: string[];
  args: string[];
}

export type Call = ScriptCall | RedisCommand;

// The scripts each runner (one database, one transport) has seen run. Bounded: a handful of
// runners per isolate, each knowing at most every script this codebase has.
const loadedByRunner = new WeakMap<RedisRunner, Set<string>>();

/**
 * Sends script calls as EVALSHA. A Redis that lost its script cache (restart, failover) answers
 * NOSCRIPT; only those calls are re-sent once as EVAL, which also reloads the script. The re-send
 * goes through the runner's request-size check like any request.
 *
 * A re-send runs after every call that followed it in the pipeline, so a read re-sent would see
 * writes that came after it. So within a pipeline of several calls, a script this runner has not
 * yet seen run goes as EVAL, with its source, the first time; only a Redis that loses its
 * scripts while the isolate lives can still make a re-sent read see a later write (never a lost
 * or reordered write: writes are ordered by creation time, cache/upstash/entry-scripts.ts).
 */
export async function runCalls(runner: RedisRunner, calls: readonly Call[]): Promise<RedisReply[]> {
  const known = loadedByRunner.get(runner) ?? new Set<string>();
  loadedByRunner.set(runner, known);
  const shas = await Promise.all(calls.map((call) => (isScriptCall(call) ? scriptSha(call.script) : undefined)));
  const asCommand = (withSource: boolean) =>
    calls.map((call, i): RedisCommand => {
      const sha = shas[i];
      if (!isScriptCall(call) || sha === undefined) return call as RedisCommand;
      return withSource && !known.has(sha)
        ? { op: "eval", script: call.script.source, keys: call.keys, args: call.args }
        : { op: "evalsha", sha, keys: call.keys, args: call.args };
    });
  const firstRuns = calls.length > 1 && shas.some((sha) => sha !== undefined && !known.has(sha));
  let replies: RedisReply[];
  try {
    replies = await runner.run(asCommand(firstRuns));
  } catch (error) {
    // The sources took a request that fits as EVALSHA over the size limit: send it as EVALSHA.
    if (!(firstRuns && error instanceof RequestTooLargeError)) throw error;
    replies = await runner.run(asCommand(false));
  }
  const missing = replies.flatMap((reply, index) => (!reply.ok && reply.error.includes("NOSCRIPT") ? [index] : []));
  if (missing.length > 0) {
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
  }
  replies.forEach((reply, i) => {
    const sha = shas[i];
    if (sha !== undefined && !(!reply.ok && reply.error.includes("NOSCRIPT"))) known.add(sha);
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
