import { type Redis, Command as RedisCommand, ReplyError } from "ioredis";
import type { Command } from "./args.ts";
import { refusalReason } from "./command-policy.ts";
import type { RedisReply } from "./encode.ts";

export type CommandOutcome = { ok: true; reply: RedisReply } | { ok: false; error: string };

export type TransactionOutcome = { aborted: false; outcomes: CommandOutcome[] } | { aborted: true; error: string };

/**
 * Runs commands in order on one connection and reports each one's reply or error. All are written
 * before any reply is awaited, so a pipeline costs one round trip. Refused commands are answered
 * here without reaching Redis. Throws only when the connection itself fails.
 */
export async function runPipeline(connection: Redis, commands: readonly Command[]): Promise<CommandOutcome[]> {
  const pending = commands.map((command) => {
    const refusal = refusalReason(command);
    return refusal ? Promise.reject(new ReplyError(refusal)) : send(connection, command);
  });
  const settled = await Promise.allSettled(pending);
  return settled.map(toOutcome);
}

/**
 * MULTI, the commands, EXEC, written together on a connection nobody else is using. A command
 * Redis rejects while queueing (or the gateway refuses) discards the whole transaction: EXECABORT.
 */
export async function runTransaction(connection: Redis, commands: readonly Command[]): Promise<TransactionOutcome> {
  const refused = commands.map(refusalReason).find((reason) => reason !== undefined);
  if (refused) return { aborted: true, error: `EXECABORT Transaction discarded because of previous errors: ${refused}` };

  const settled = await Promise.allSettled([
    send(connection, ["multi"]),
    ...commands.map((command) => send(connection, command)),
    send(connection, ["exec"]),
  ]);
  throwIfNotReply(settled);
  const queued = settled.slice(1, -1);
  const execResult = settled.at(-1) as PromiseSettledResult<RedisReply>;

  if (execResult.status === "rejected") {
    const firstQueueError = queued.find((result) => result.status === "rejected");
    const detail = firstQueueError ? `: ${(firstQueueError.reason as Error).message}` : "";
    return { aborted: true, error: `${(execResult.reason as Error).message.replace(/\.$/, "")}${detail}` };
  }
  const replies = execResult.value as RedisReply[];
  return {
    aborted: false,
    outcomes: replies.map((reply) => (reply instanceof Error ? { ok: false, error: reply.message } : { ok: true, reply })),
  };
}

/**
 * ioredis reshapes a few replies for its own API (HGETALL into an object, ZRANGE WITHSCORES into
 * pairs); the gateway must hand Redis' own RESP2 shape through untouched.
 */
class RawCommand extends RedisCommand {
  override transformReply(result: Buffer | Buffer[]): Buffer | Buffer[] {
    return result;
  }
}

function send(connection: Redis, command: Command): Promise<RedisReply> {
  const [name, ...args] = command as [string, ...string[]];
  return connection.sendCommand(new RawCommand(name, args, { replyEncoding: null })) as Promise<RedisReply>;
}

function toOutcome(result: PromiseSettledResult<RedisReply>): CommandOutcome {
  if (result.status === "fulfilled") return { ok: true, reply: result.value };
  if (result.reason instanceof ReplyError) return { ok: false, error: (result.reason as Error).message };
  // Not Redis answering with an error: the connection failed. The whole request fails with it.
  throw result.reason;
}

function throwIfNotReply(results: PromiseSettledResult<unknown>[]): void {
  for (const result of results) {
    if (result.status === "rejected" && !(result.reason instanceof ReplyError)) throw result.reason;
  }
}
