import { Redis } from "ioredis";
import { causeMessage, SourceError } from "../source-error.ts";
import { enableKeyEvents, restoreKeyEvents } from "./keyspace-events-config.ts";
import { connectRedis, type RedisConnection, type RedisConnectOptions } from "./redis-connection.ts";
import { parseRedisUrl, type RedisTarget } from "./redis-url.ts";

/** A live keyevent subscription; close() unsubscribes and restores the server's setting. */
export interface KeyEventSubscription {
  close(): Promise<void>;
}

export interface KeyEventOptions extends RedisConnectOptions {
  /**
   * Receives what goes wrong after the subscription started (re-enabling notifications after a
   * reconnect, re-subscribing), which has no caller to throw to. A gap is reported either way.
   * @default process.emitWarning
   */
  onError?: (error: SourceError) => void;
}

/** Longest wait between two reconnects of the subscription. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * Calls `onKey(key, event)` for every keyevent notification of database `db` (undefined: the URL's
 * `/db`): `event` is the command class Redis names, such as "set", "del", "expired", "hset".
 * Notifications are enabled with CONFIG SET when the server lacks them, and put back on close().
 *
 * Pub/sub delivers at most once: whatever happens while the connection is down is lost. The
 * subscription therefore reconnects on its own for as long as it is open (reads through the
 * source fail fast and end a run that lost its server for good) and, once subscribed again, calls
 * `onGap()` so the caller can rescan. A restarted server forgets CONFIG SET, so notifications are
 * enabled again first.
 */
export async function subscribeKeyEvents(
  url: string,
  db: number | undefined,
  onKey: (key: Buffer, event: string) => void,
  onGap: () => void,
  options: KeyEventOptions = {},
): Promise<KeyEventSubscription> {
  const target = parseRedisUrl(url);
  const database = db ?? target.db;
  const onError = options.onError ?? ((error: SourceError) => process.emitWarning(error));
  const previous = await withControl(target, options, enableKeyEvents);
  const prefix = `__keyevent@${database}__:`;
  let closed = false;
  let subscribed = false;
  let lastError: Error | undefined;
  const subscriber = new Redis({
    ...target.connection,
    lazyConnect: true,
    protocol: 2,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    // Subscribed again by hand, after notifications are known to be on, so that onGap() comes
    // only once nothing more can be missed.
    autoResubscribe: false,
    retryStrategy: (attempt) => (closed || !subscribed ? null : Math.min(100 * 2 ** attempt, MAX_RECONNECT_DELAY_MS)),
  });
  subscriber.on("error", (error: Error) => {
    lastError = error;
  });
  subscriber.on("pmessageBuffer", (_pattern: unknown, channel: Buffer, message: Buffer) => {
    onKey(message, channel.toString("latin1").slice(prefix.length));
  });
  const subscribe = () => subscriber.psubscribe(`${prefix}*`);
  try {
    await subscriber.connect();
    await subscribe();
  } catch (error) {
    subscriber.disconnect();
    if (previous !== undefined) await withControl(target, options, (connection) => restoreKeyEvents(connection, previous));
    const cause = lastError ?? error;
    throw new SourceError(`cannot subscribe to keyspace events on ${target.description}: ${causeMessage(cause)}`, { cause });
  }
  subscribed = true;
  subscriber.on("ready", () => {
    if (closed) return;
    void (async () => {
      try {
        await withControl(target, options, enableKeyEvents);
        await subscribe();
      } catch (error) {
        onError(
          error instanceof SourceError
            ? error
            : new SourceError(`re-subscribing on ${target.description}: ${causeMessage(error)}`, { cause: error }),
        );
      } finally {
        onGap();
      }
    })();
  });
  return {
    async close() {
      if (closed) return;
      closed = true;
      subscriber.disconnect();
      if (previous !== undefined) await withControl(target, options, (connection) => restoreKeyEvents(connection, previous));
    },
  };
}

/** CONFIG runs on a connection of its own: a subscribed RESP2 connection takes no other command. */
async function withControl<T>(
  target: RedisTarget,
  options: RedisConnectOptions,
  use: (connection: RedisConnection) => Promise<T>,
): Promise<T> {
  const connection = await connectRedis(target, options);
  try {
    return await use(connection);
  } finally {
    await connection.close();
  }
}
