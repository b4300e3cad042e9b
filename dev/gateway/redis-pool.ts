import { Redis } from "ioredis";
import { GatewayHttpError, RedisUnavailableError } from "./http-error.ts";

export interface RedisPoolOptions {
  /** `redis://[user:password@]host:port[/db]` */
  url: string;
  /** Idle connections kept for reuse. @default 16 */
  maxIdle?: number;
  /** @default 2000 */
  connectTimeoutMs?: number;
  /** @default 30_000 */
  commandTimeoutMs?: number;
}

/**
 * Connections handed out one request at a time. A leased connection belongs to that request
 * alone, so a pipeline's commands stay together and a MULTI…EXEC never has a stranger's command
 * queued inside it. Connections never reconnect or resend on their own: a broken one is dropped
 * and the request fails, rather than a write being applied twice behind the caller's back.
 */
export class RedisPool {
  readonly #idle: Redis[] = [];
  readonly #leased = new Set<Redis>();
  readonly #options: Required<RedisPoolOptions>;
  #closed = false;

  constructor(options: RedisPoolOptions) {
    this.#options = { maxIdle: 16, connectTimeoutMs: 2000, commandTimeoutMs: 30_000, ...options };
  }

  /** Runs `work` on a connection of its own, then returns the connection if it is still sound. */
  async withConnection<T>(work: (connection: Redis) => Promise<T>): Promise<T> {
    const connection = await this.#lease();
    let sound = false;
    try {
      const result = await work(connection);
      sound = true;
      return result;
    } catch (error) {
      // Work reports Redis' own error replies in its result; anything thrown is the connection
      // failing (closed, timed out), and the connection is not trusted again.
      throw error instanceof GatewayHttpError ? error : new RedisUnavailableError(error);
    } finally {
      this.#release(connection, sound);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const connection of [...this.#idle, ...this.#leased]) connection.disconnect();
    this.#idle.length = 0;
    this.#leased.clear();
  }

  async #lease(): Promise<Redis> {
    if (this.#closed) throw new RedisUnavailableError("the gateway is shutting down");
    let connection = this.#idle.pop();
    while (connection && connection.status !== "ready") {
      connection.disconnect();
      connection = this.#idle.pop();
    }
    connection ??= await this.#connect();
    this.#leased.add(connection);
    return connection;
  }

  #release(connection: Redis, sound: boolean): void {
    this.#leased.delete(connection);
    const reusable = sound && !this.#closed && connection.status === "ready" && this.#idle.length < this.#options.maxIdle;
    if (reusable) this.#idle.push(connection);
    else connection.disconnect();
  }

  async #connect(): Promise<Redis> {
    const connection = new Redis(this.#options.url, {
      lazyConnect: true,
      // RESP2: maps as flat arrays and doubles as strings, as Upstash answers.
      protocol: 2,
      // Integers as text, so 9007199254740993 is not rounded before it is encoded.
      stringNumbers: true,
      connectTimeout: this.#options.connectTimeoutMs,
      commandTimeout: this.#options.commandTimeoutMs,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      enableAutoPipelining: false,
    });
    // Errors reach the waiting request through its command; without a listener ioredis would log.
    connection.on("error", () => {});
    try {
      await connection.connect();
    } catch (error) {
      connection.disconnect();
      throw new RedisUnavailableError(error);
    }
    return connection;
  }
}
