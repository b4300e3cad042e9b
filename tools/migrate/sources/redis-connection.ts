import { Redis } from "ioredis";
import { causeMessage, SourceError } from "../source-error.ts";
import type { RedisTarget } from "./redis-url.ts";

/** How long a Redis source waits, and how often it reconnects, before it reports a failure. */
export interface RedisConnectOptions {
  /** How long to wait for the TCP (and TLS) handshake before giving up. @default 5000 */
  connectTimeoutMs?: number;
  /** How long one command may wait for its reply; a stalled server must not hang a migration. @default 60_000 */
  commandTimeoutMs?: number;
  /** Reconnects tried after an established connection drops, before commands fail. @default 3 */
  reconnectAttempts?: number;
}

/** An ioredis client that fails fast, and turns its errors into SourceErrors naming the source. */
export interface RedisConnection {
  readonly client: Redis;
  /** The URL without its password. */
  readonly description: string;
  /** A SourceError for `error`, thrown while doing `what` (e.g. "SCAN"). */
  fail(what: string, error: unknown): SourceError;
  close(): Promise<void>;
}

/**
 * Connects, or throws a SourceError such as "cannot reach redis://127.0.0.1:6390: connect
 * ECONNREFUSED 127.0.0.1:6390". ioredis would otherwise retry forever, queueing commands behind a
 * server that is not there: the first connection gets no retry at all, and a dropped one a few.
 */
export async function connectRedis(target: RedisTarget, options: RedisConnectOptions = {}): Promise<RedisConnection> {
  const { connectTimeoutMs = 5000, commandTimeoutMs = 60_000, reconnectAttempts = 3 } = options;
  let connected = false;
  // connect() rejects with a bare "Connection is closed."; the reason arrives as an error event.
  let lastError: Error | undefined;
  const client = new Redis({
    ...target.connection,
    lazyConnect: true,
    // RESP2 replies are flat arrays whatever the server version, which the readers rely on.
    protocol: 2,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => (connected && attempt <= reconnectAttempts ? 100 * 2 ** attempt : null),
  });
  client.on("error", (error: Error) => {
    lastError = error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const cause = lastError ?? error;
    const refused = cause instanceof Error && cause.name === "ReplyError";
    throw new SourceError(
      `${refused ? `${target.description} refused the connection` : `cannot reach ${target.description}`}: ${causeMessage(cause)}`,
      {
        cause,
      },
    );
  }
  connected = true;
  return {
    client,
    description: target.description,
    fail(what, error) {
      if (error instanceof SourceError) return error;
      if (client.status !== "ready") {
        const cause = lastError ?? error;
        return new SourceError(`lost the connection to ${target.description} during ${what}: ${causeMessage(cause)}`, { cause });
      }
      return new SourceError(`${target.description}: ${what} failed: ${causeMessage(error)}`, { cause: error });
    },
    async close() {
      connected = false;
      client.disconnect();
    },
  };
}
