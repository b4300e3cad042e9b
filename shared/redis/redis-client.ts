import { Redis } from "@upstash/redis/cloudflare";
import { StoreUnavailableError } from "../cache/store";
import { currentRequestBudget, RequestBudgetError } from "./request-budget";
import { RequestTooLargeError } from "./request-errors";
import { oversizedRequestBytes, wireCommand } from "./request-size";

/**
 * The only file that imports @upstash/redis. The rest of the code speaks in RedisCommand and
 * RedisReply, so the transport can be swapped or wrapped (tests, chaos) without touching callers.
 */

export type RedisCommand =
  | { op: "evalsha"; sha: string; keys: string[]; args: string[] }
  | { op: "eval"; script: string; keys: string[]; args: string[] }
  | { op: "del"; keys: string[] }
  | { op: "hgetall"; key: string }
  | { op: "hget"; key: string; field: string }
  | { op: "hset"; key: string; fields: Record<string, string> }
  | { op: "hsetnx"; key: string; field: string; value: string }
  | { op: "hvals"; key: string }
  | { op: "scan"; cursor: string; match: string; count: number }
  | { op: "ping" };

export type RedisReply = { ok: true; value: unknown } | { ok: false; error: string };

export interface RedisRunner {
  /**
   * Sends the commands in one HTTP request and returns one reply per command. A command's own
   * error (e.g. NOSCRIPT) is a reply; a failed request throws StoreUnavailableError, and a
   * request larger than the L2 accepts throws RequestTooLargeError without being sent.
   */
  run(commands: readonly RedisCommand[]): Promise<RedisReply[]>;
  /** HTTP requests one `run` can make when it is more than one (a runner over two databases). @default 1 */
  readonly requestsPerRun?: number;
}

export interface UpstashRunnerOptions {
  url: string;
  token: string;
  /**
   * Deadline for one request, retries included. On a request's path, a call waits at most what is
   * left of that request's Redis budget (request-budget.ts) if that is shorter.
   */
  timeoutMs: number;
  /** Retries after a connection failure (HTTP errors are never retried by the SDK). */
  retries: number;
  /**
   * Largest JSON body sent (Upstash refuses larger requests). A larger one is refused before it
   * is sent, with RequestTooLargeError. @default 10_000_000
   */
  maxRequestBytes?: number;
}

export function createUpstashRunner(options: UpstashRunnerOptions): RedisRunner {
  const redis = new Redis({
    url: options.url,
    token: options.token,
    // Values are opaque bytes: the SDK must not JSON.parse them into numbers or nulls.
    automaticDeserialization: false,
    responseEncoding: false,
    // Auto-pipelining would share one fetch between concurrent requests; in Workers a request
    // that awaits I/O started by another can be cancelled with it. Each request batches itself.
    enableAutoPipelining: false,
    enableTelemetry: false,
    // `retries: 0` is one attempt; `retry: false` would still make two.
    retry: { retries: options.retries, backoff: (attempt) => 25 * 2 ** attempt },
    // A function: one fresh signal per request. A fired plain signal would poison the client.
    // It is called on the caller's path, so it sees the caller's request budget.
    signal: () => AbortSignal.timeout(Math.max(1, callTimeoutMs(options.timeoutMs))),
  });

  const maxRequestBytes = options.maxRequestBytes ?? 10_000_000;
  const runner: RedisRunner = {
    async run(commands) {
      // Checked here, where every request passes (store, stats, warming, a NOSCRIPT re-send):
      // Upstash would answer an oversized one with an HTTP error, which reads as Redis failing.
      const oversized = oversizedRequestBytes(commands.map(wireCommand), maxRequestBytes);
      if (oversized !== undefined) throw new RequestTooLargeError(oversized, maxRequestBytes);
      const pipeline = redis.pipeline();
      for (const command of commands) {
        switch (command.op) {
          case "evalsha":
            pipeline.evalsha(command.sha, command.keys, command.args);
            break;
          case "eval":
            pipeline.eval(command.script, command.keys, command.args);
            break;
          case "del":
            pipeline.del(...(command.keys as [string, ...string[]]));
            break;
          case "hgetall":
            pipeline.hgetall(command.key);
            break;
          case "hget":
            pipeline.hget(command.key, command.field);
            break;
          case "hset":
            pipeline.hset(command.key, command.fields);
            break;
          case "hsetnx":
            pipeline.hsetnx(command.key, command.field, command.value);
            break;
          case "hvals":
            pipeline.hvals(command.key);
            break;
          case "scan":
            pipeline.scan(command.cursor, { match: command.match, count: command.count });
            break;
          case "ping":
            pipeline.ping();
            break;
        }
      }
      const budget = currentRequestBudget();
      const timeoutMs = callTimeoutMs(options.timeoutMs, budget);
      // Spent, or a call of this request already failed: straight to the caller's fallback.
      if (timeoutMs <= 0) throw new RequestBudgetError(false);
      try {
        const replies = await withDeadline(pipeline.exec({ keepErrors: true }), timeoutMs);
        return replies.map((reply) =>
          reply.error === undefined || reply.error === null ? { ok: true, value: reply.result } : { ok: false, error: String(reply.error) },
        );
      } catch (error) {
        budget?.fail();
        const failure = describeFailure(error);
        // Cut short by the request's budget: no verdict on Redis, so the breaker does not count
        // it. A call that still waited half its own deadline does count: a hang must open the
        // circuit even when every request reaches Redis with a little of its budget gone.
        if (failure === "request timed out" && timeoutMs < options.timeoutMs / 2) throw new RequestBudgetError(true, { cause: error });
        // The SDK's messages echo the command, values included: never pass them on.
        throw new StoreUnavailableError(failure, { cause: error });
      }
    },
  };
  return runner;
}

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError" || error.name === "AbortError") return "request timed out";
    if (error.name === "UpstashJSONParseError" || error instanceof SyntaxError) return "response was not JSON";
    if (error.name === "UpstashError") return "request was refused";
  }
  if (error instanceof StoreUnavailableError) return error.message;
  return "request failed";
}

/** The call's own deadline, or what is left of its request's budget when that is shorter. */
function callTimeoutMs(ownMs: number, budget = currentRequestBudget()): number {
  return budget ? Math.min(ownMs, budget.remainingMs()) : ownMs;
}

/** A second bound on top of the fetch signal: reading a body that never ends also counts. */
function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError()), timeoutMs + 10);
  });
  return Promise.race([promise, deadline]).finally(() => {
    if (timer !== undefined) clearTimeout(timer);
  });
}

class DeadlineError extends Error {
  override name = "TimeoutError";
}
