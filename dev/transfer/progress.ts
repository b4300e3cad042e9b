/** Where progress goes: process.stderr, or a test double. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  label: string;
  /** Without a total, a count alone is shown. */
  total?: number | undefined;
  unit: string;
  /** @default Date.now */
  now?: () => number;
}

/**
 * A one-line progress bar, redrawn in place at most ten times a second on a terminal. Elsewhere
 * (CI logs, redirected stderr) it writes a plain line every 30 seconds instead of control codes.
 */
export class Progress {
  readonly #stream: ProgressStream;
  readonly #options: ProgressOptions;
  readonly #now: () => number;
  #last: number;
  #drawn = false;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    // A terminal shows the bar at once; a log gets its first line after one interval.
    this.#last = stream.isTTY ? Number.NEGATIVE_INFINITY : this.#now();
  }

  update(done: number): void {
    const now = this.#now();
    if (now - this.#last < (this.#stream.isTTY ? 100 : 30_000)) return;
    this.#last = now;
    if (this.#stream.isTTY) {
      this.#stream.write(`\r${this.#line(done)}\x1b[K`);
      this.#drawn = true;
    } else {
      this.#stream.write(`${this.#line(done)}\n`);
    }
  }

  /** Clears the bar, so what follows starts on a clean line. */
  finish(): void {
    if (this.#drawn) this.#stream.write("\r\x1b[K");
    this.#drawn = false;
  }

  #line(done: number): string {
    const { label, total, unit } = this.#options;
    const count = `${done.toLocaleString("en-US")}${total === undefined ? "" : `/${total.toLocaleString("en-US")}`} ${unit}`;
    if (!total) return `${label} ${count}`;
    const ratio = Math.min(1, done / total);
    const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - label.length - count.length - 10));
    const filled = Math.round(ratio * width);
    return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${count}`;
  }
}
