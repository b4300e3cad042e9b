import type { RedisCommand, RedisReply, RedisRunner } from "./redis-client";

/**
 * A runner that appends one command to the first request it sends, so a small write rides with
 * work already going to Redis instead of costing a request (and a subrequest) of its own. The
 * caller sees only its own replies. Until a request carrying the command is answered, every
 * request carries it; afterwards requests pass through unchanged. Appended last, it runs after the
 * caller's commands and cannot change what they read.
 */
export class PiggybackRunner implements RedisRunner {
  readonly #inner: RedisRunner;
  readonly #command: RedisCommand;
  #reply: RedisReply | undefined;

  constructor(inner: RedisRunner, command: RedisCommand) {
    this.#inner = inner;
    this.#command = command;
  }

  get requestsPerRun(): number {
    return this.#inner.requestsPerRun ?? 1;
  }

  /** The command's own reply, once a request carried it. */
  get reply(): RedisReply | undefined {
    return this.#reply;
  }

  async run(commands: readonly RedisCommand[]): Promise<RedisReply[]> {
    if (this.#reply) return this.#inner.run(commands);
    const replies = await this.#inner.run([...commands, this.#command]);
    this.#reply = replies[commands.length] ?? { ok: false, error: "no reply" };
    return replies.slice(0, commands.length);
  }
}
