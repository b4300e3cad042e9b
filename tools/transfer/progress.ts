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
  /** Show the rate since the start and, with a total, the time left. @default false */
  rate?: boolean;
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
  readonly #startedAt: number;
  #last: number;
  #drawn = false;

  constructor(stream: ProgressStream, options: ProgressOptions) {
    this.#stream = stream;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
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
    const count = `${done.toLocaleString("en-US")}${total === undefined ? "" : `/${total.toLocaleString("en-US")}`} ${unit}${this.#rate(done)}`;
    if (!total) return `${label} ${count}`;
    const ratio = Math.min(1, done / total);
    const width = Math.max(10, Math.min(40, (this.#stream.columns ?? 80) - label.length - count.length - 10));
    const filled = Math.round(ratio * width);
    return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${count}`;
  }

  #rate(done: number): string {
    const seconds = (this.#now() - this.#startedAt) / 1000;
    if (!this.#options.rate || seconds <= 0) return "";
    const perSecond = done / seconds;
    const total = this.#options.total;
    const left = total !== undefined && perSecond > 0 && total > done ? `, ${duration((total - done) / perSecond)} left` : "";
    return `, ${Math.round(perSecond).toLocaleString("en-US")}/s${left}`;
  }
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}
