import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { causeMessage, SourceError } from "../source-error.ts";
import { type MetadumpEntry, parseMetadumpLine } from "./memcached-metadump.ts";
import { isTextProtocolKey, memcachedKeyId, parseMetaValueHeader, parseValueHeader } from "./memcached-protocol.ts";
import type { MemcachedAddress } from "./memcached-url.ts";
import { SocketReader, type SocketReaderOptions } from "./socket-reader.ts";

/** Timeouts and buffering of one memcached connection. */
export interface MemcachedClientOptions extends SocketReaderOptions {
  /** How long to wait for the TCP connection. @default 5000 */
  connectTimeoutMs?: number;
  /** How long metadump keeps asking while the LRU crawler is busy with another request. @default 10_000 */
  busyRetryMs?: number;
}

/** A value as `get` returns it. */
export interface MemcachedValue {
  value: Buffer;
  /** The client flags stored with it. */
  flags: number;
}

/** A value as `mg … t f v` returns it: with the seconds it has left. */
export interface MemcachedMetaValue extends MemcachedValue {
  /** Seconds left to live; undefined when it never expires. */
  ttlSeconds: number | undefined;
}

/** What `set` stores beside the value. */
export interface MemcachedSetOptions {
  /** Client flags stored with the value. @default 0 */
  flags?: number;
  /** Seconds to live (up to 30 days), or a unix time; negative stores it already expired. @default 0 (never expires) */
  exptime?: number;
}

/**
 * A minimal memcached text-protocol client over one socket. Written here because no Node client
 * speaks `lru_crawler metadump`, the only way memcached lists its keys. Requests run one at a
 * time; errors are SourceErrors naming the address.
 */
export class MemcachedClient {
  readonly #socket: Socket;
  readonly #reader: SocketReader;
  readonly #description: string;
  readonly #busyRetryMs: number;
  #tail: Promise<void> = Promise.resolve();

  private constructor(socket: Socket, address: MemcachedAddress, options: MemcachedClientOptions) {
    this.#socket = socket;
    this.#description = address.description;
    this.#busyRetryMs = options.busyRetryMs ?? 10_000;
    this.#reader = new SocketReader(socket, address.description, options);
  }

  /** Bytes received on this connection so far: how far a dump has really been read. */
  get bytesRead(): number {
    return this.#socket.bytesRead;
  }

  /** Connects, or throws "cannot reach memcached://host:port: <cause>". */
  static async connect(address: MemcachedAddress, options: MemcachedClientOptions = {}): Promise<MemcachedClient> {
    const socket = connect({ host: address.host, port: address.port, noDelay: true });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => socket.destroy(new Error(`no connection within ${options.connectTimeoutMs ?? 5000} ms`)),
          options.connectTimeoutMs ?? 5000,
        );
        socket.once("connect", () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      });
    } catch (error) {
      socket.destroy();
      throw new SourceError(`cannot reach ${address.description}: ${causeMessage(error)}`, { cause: error });
    }
    return new MemcachedClient(socket, address, options);
  }

  /**
   * Every item, parsed line by line as the dump streams in (never held whole). memcached allows no
   * other command on the connection until the dump ends; leaving the loop early closes it.
   */
  async *metadump(): AsyncGenerator<MetadumpEntry> {
    const release = await this.#turn();
    let finished = false;
    try {
      let line = await this.#metadumpStart();
      while (!isEnd(line)) {
        try {
          yield parseMetadumpLine(line);
        } catch (error) {
          if (error instanceof SourceError) throw error;
          throw this.#unexpected("lru_crawler metadump", line, causeMessage(error));
        }
        line = await this.#reader.line();
      }
      finished = true;
    } finally {
      if (!finished) this.#socket.destroy();
      release();
    }
  }

  /** The values of these keys that exist, by memcachedKeyId; `get k1 k2 …`, binary-safe. */
  async getMany(keys: readonly Buffer[]): Promise<Map<string, MemcachedValue>> {
    const found = new Map<string, MemcachedValue>();
    if (keys.length === 0) return found;
    for (const key of keys) {
      if (!isTextProtocolKey(key))
        throw new SourceError(`${this.#description}: get cannot ask for key ${JSON.stringify(memcachedKeyId(key))}; use metaGetMany`);
    }
    await this.#request(Buffer.concat([Buffer.from("get"), ...keys.flatMap((key) => [Buffer.from(" "), key]), CRLF]), async () => {
      for (;;) {
        const line = await this.#reader.line();
        if (isEnd(line)) return;
        const header = parseValueHeader(line);
        if (!header) throw this.#unexpected("get", line);
        found.set(header.keyId, { value: await this.#readData("get", header.bytes), flags: header.flags });
      }
    });
    return found;
  }

  /** Values with their remaining lifetime, in the order asked, via meta get with base64 keys (any bytes). */
  async metaGetMany(keys: readonly Buffer[]): Promise<(MemcachedMetaValue | undefined)[]> {
    if (keys.length === 0) return [];
    const request = keys.map((key) => `mg ${key.toString("base64")} b t f v\r\n`).join("");
    return this.#request(Buffer.from(request, "latin1"), async () => {
      const values: (MemcachedMetaValue | undefined)[] = [];
      for (const _ of keys) {
        const line = await this.#reader.line();
        if (line.toString("latin1") === "EN") {
          values.push(undefined);
          continue;
        }
        const header = parseMetaValueHeader(line);
        if (!header) throw this.#unexpected("mg", line);
        values.push({ value: await this.#readData("mg", header.bytes), flags: header.flags, ttlSeconds: header.ttlSeconds });
      }
      return values;
    });
  }

  /** The server's counters (curr_items, time, pid…) as text. */
  async stats(): Promise<Record<string, string>> {
    return this.#request(Buffer.from("stats\r\n"), async () => {
      const stats: Record<string, string> = {};
      for (let line = await this.#reader.line(); !isEnd(line); line = await this.#reader.line()) {
        const match = /^STAT (\S+) (.*)$/.exec(line.toString("latin1"));
        if (!match) throw this.#unexpected("stats", line);
        stats[match[1] as string] = match[2] as string;
      }
      return stats;
    });
  }

  /** Stores a value (tests seed with it). */
  async set(key: Buffer | string, value: Buffer | string, options: MemcachedSetOptions = {}): Promise<void> {
    const data = Buffer.from(value);
    const head = Buffer.concat([
      Buffer.from("set "),
      Buffer.from(key),
      Buffer.from(` ${options.flags ?? 0} ${options.exptime ?? 0} ${data.length}\r\n`),
    ]);
    await this.#request(Buffer.concat([head, data, CRLF]), async () => {
      const line = await this.#reader.line();
      if (line.toString("latin1") !== "STORED") throw this.#unexpected("set", line);
    });
  }

  /** Removes a key; false when there was none. */
  async delete(key: Buffer | string): Promise<boolean> {
    return this.#request(Buffer.concat([Buffer.from("delete "), Buffer.from(key), CRLF]), async () => {
      const line = (await this.#reader.line()).toString("latin1");
      if (line !== "DELETED" && line !== "NOT_FOUND") throw this.#unexpected("delete", Buffer.from(line));
      return line === "DELETED";
    });
  }

  /** Ends the connection; a request still waiting fails with a SourceError. */
  async close(): Promise<void> {
    if (this.#socket.destroyed) return;
    await new Promise<void>((resolve) => this.#socket.end(resolve));
    this.#socket.destroy();
  }

  /** The first line of a dump; "BUSY" means the crawler is serving someone else (or itself) for now. */
  async #metadumpStart(): Promise<Buffer> {
    const deadline = Date.now() + this.#busyRetryMs;
    for (;;) {
      this.#socket.write("lru_crawler metadump all\r\n");
      const line = await this.#reader.line();
      const text = line.toString("latin1");
      if (text.startsWith("BUSY") && Date.now() < deadline) {
        await sleep(100);
        continue;
      }
      if (/^(BUSY|ERROR|CLIENT_ERROR|SERVER_ERROR|BADCLASS)\b/.test(text)) throw this.#unexpected("lru_crawler metadump", line);
      // No items at all: nothing to crawl is an empty dump, not a failure.
      if (text.startsWith("NOTSTARTED")) return Buffer.from("END");
      return line;
    }
  }

  async #request<T>(request: Buffer, readReply: () => Promise<T>): Promise<T> {
    const release = await this.#turn();
    try {
      this.#socket.write(request);
      return await readReply();
    } catch (error) {
      // Whatever is left of the reply would be read as the next one's: the connection is done.
      this.#socket.destroy();
      throw error;
    } finally {
      release();
    }
  }

  /** Waits for the requests before this one: replies come back in order, one stream for all. */
  async #turn(): Promise<() => void> {
    const previous = this.#tail;
    let release: () => void = () => {};
    this.#tail = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }

  async #readData(command: string, length: number): Promise<Buffer> {
    const data = await this.#reader.bytes(length + 2);
    if (data[length] !== 0x0d || data[length + 1] !== 0x0a)
      throw this.#unexpected(command, data.subarray(length, length + 2), "data not followed by \\r\\n");
    return data.subarray(0, length);
  }

  #unexpected(command: string, line: Buffer, reason = "unexpected answer"): SourceError {
    const shown = line
      .subarray(0, 200)
      .toString("latin1")
      .replace(/[^\x20-\x7e]/g, "?");
    return new SourceError(`${this.#description} answered ${command} with ${reason}: "${shown}"`);
  }
}

const CRLF = Buffer.from("\r\n");

function isEnd(line: Buffer): boolean {
  return line.length === 3 && line.toString("latin1") === "END";
}
