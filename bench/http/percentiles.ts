/**
 * Exact percentiles over every response time of a run. autocannon's own histogram keeps whole
 * milliseconds, too coarse for a target of +0.3 ms; its `response` event gives the fractional time.
 */
export class LatencySamples {
  #values = new Float64Array(1 << 16);
  #count = 0;

  add(ms: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = ms;
  }

  get count(): number {
    return this.#count;
  }

  /** Nearest-rank percentiles (p in 0..100) of what was added, NaN when nothing was. */
  percentiles(ps: readonly number[]): number[] {
    const sorted = this.#values.slice(0, this.#count).sort();
    return ps.map((p) =>
      sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0),
    );
  }
}
