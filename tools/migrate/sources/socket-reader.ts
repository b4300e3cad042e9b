import type { Socket } from "node:net";
import { SourceError } from "../source-error.ts";

/** How much a reader buffers and how long it waits. */
export interface SocketReaderOptions {
  /** Bytes held before the socket is paused, so a fast server cannot fill memory. @default 1_048_576 */
  highWaterMarkBytes?: number;
  /** How long a read may wait for the server's next bytes. @default 30_000 */
  timeoutMs?: number;
}

/**
 * Reads a memcached reply as it arrives: lines and counted byte runs, with the socket paused
 * whenever more than the high-water mark waits unread. The unread bytes are a list of chunks,
 * never one growing buffer, and a read waiting for data is the only thing that resumes a paused
 * socket, so a reply far larger than memory (a metadump) streams through.
 */
export class SocketReader {
  readonly #socket: Socket;
  readonly #highWaterMark: number;
  readonly #timeoutMs: number;
  readonly #chunks: Buffer[] = [];
  #buffered = 0;
  #failure: SourceError | undefined;
  #wake: (() => void) | undefined;

  constructor(socket: Socket, description: string, options: SocketReaderOptions = {}) {
    this.#socket = socket;
    this.#highWaterMark = options.highWaterMarkBytes ?? 1_048_576;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    socket.on("data", (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
      if (this.#wake) this.#wake();
      else if (this.#buffered >= this.#highWaterMark) socket.pause();
    });
    socket.on("error", (error) => this.#fail(new SourceError(`lost the connection to ${description}: ${error.message}`, { cause: error })));
    socket.on("close", () => this.#fail(new SourceError(`${description} closed the connection`)));
  }

  /** Bytes received and not read yet. */
  get buffered(): number {
    return this.#buffered;
  }

  /** The next line, without its "\n" or "\r\n" (metadump ends its lines with a bare "\n"). */
  async line(): Promise<Buffer> {
    let scanned = 0;
    for (;;) {
      const end = this.#indexOf(0x0a, scanned);
      if (end >= 0) {
        const line = this.#take(end + 1);
        const cut = line.length >= 2 && line[line.length - 2] === 0x0d ? 2 : 1;
        return line.subarray(0, line.length - cut);
      }
      scanned = this.#buffered;
      await this.#more();
    }
  }

  /** Exactly `count` bytes, copied out so a value does not pin the socket's chunk in memory. */
  async bytes(count: number): Promise<Buffer> {
    while (this.#buffered < count) await this.#more();
    return Buffer.from(this.#take(count));
  }

  #indexOf(byte: number, from: number): number {
    let base = 0;
    for (const chunk of this.#chunks) {
      if (base + chunk.length > from) {
        const at = chunk.indexOf(byte, Math.max(0, from - base));
        if (at >= 0) return base + at;
      }
      base += chunk.length;
    }
    return -1;
  }

  #take(count: number): Buffer {
    const parts: Buffer[] = [];
    let needed = count;
    while (needed > 0) {
      const chunk = this.#chunks[0] as Buffer;
      if (chunk.length <= needed) {
        parts.push(chunk);
        this.#chunks.shift();
        needed -= chunk.length;
      } else {
        parts.push(chunk.subarray(0, needed));
        this.#chunks[0] = chunk.subarray(needed);
        needed = 0;
      }
    }
    this.#buffered -= count;
    if (this.#socket.isPaused() && this.#buffered < this.#highWaterMark) this.#socket.resume();
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, count);
  }

  #more(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#socket.destroy(new Error(`no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        // Bytes that arrived before a failure are still read; the next wait reports it.
        resolve();
      };
      // Whoever waits needs bytes, whatever is buffered already (a line longer than the mark).
      this.#socket.resume();
    });
  }

  #fail(failure: SourceError): void {
    this.#failure ??= failure;
    this.#wake?.();
  }
}
