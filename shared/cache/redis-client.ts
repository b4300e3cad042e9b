import { Redis } from "@upstash/redis/cloudflare";
import { StoreUnavailableError } from "./store";

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
   * error (e.g. NOSCRIPT) is a reply; a failed request throws StoreUnavailableError.
   */
  run(commands: readonly RedisCommand[]): Promise<RedisReply[]>;
}

export interface UpstashRunnerOptions {
  url: string;
  token: string;
  /** Deadline for one request, retries included. */
  timeoutMs: number;
  /** Retries after a connection failure (HTTP errors are never retried by the SDK). */
  retries: number;
}

export interface UpstashClient {
  runner: RedisRunner;
  /** The SDK client itself, for libraries built on it (rate limiting); nothing else uses it. */
  sdk: Redis;
}

export function createUpstashRunner(options: UpstashRunnerOptions): RedisRunner {
  return createUpstashClient(options).runner;
}

export function createUpstashClient(options: UpstashRunnerOptions): UpstashClient {
  const redis = new Redis({
    url: options.url,
    token: options.token,
    // Values are opaque bytes: the SDK must not JSON.parse them into numbers or nulls.
    automaticDeserialization: false,
    // Auto-pipelining would share one fetch between concurrent requests; in Workers a request
    // that awaits I/O started by another can be cancelled with it. Each request batches itself.
    enableAutoPipelining: false,
    enableTelemetry: false,
    // `retries: 0` is one attempt; `retry: false` would still make two.
    retry: { retries: options.retries, backoff: (attempt) => 25 * 2 ** attempt },
    // A function: one fresh signal per request. A fired plain signal would poison the client.
    signal: () => AbortSignal.timeout(options.timeoutMs),
  });

  const runner: RedisRunner = {
    async run(commands) {
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
      try {
        const replies = await withDeadline(pipeline.exec({ keepErrors: true }), options.timeoutMs);
        return replies.map((reply) =>
          reply.error === undefined || reply.error === null ? { ok: true, value: reply.result } : { ok: false, error: String(reply.error) },
        );
      } catch (error) {
        // The SDK's messages echo the command, values included: never pass them on.
        throw new StoreUnavailableError(describeFailure(error), { cause: error });
      }
    },
  };
  return { runner, sdk: redis };
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
