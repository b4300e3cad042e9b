/**
 * A count with the first few examples: what a report can say about any number of keys while
 * holding only `limit` of them.
 */
export class CappedExamples<T> {
  #count = 0;
  readonly #examples: T[] = [];

  constructor(readonly limit: number) {}

  /** `example` runs only while there is room, so the keys past the limit cost nothing to describe. */
  add(example: () => T): void {
    this.#count++;
    if (this.#examples.length < this.limit) this.#examples.push(example());
  }

  get count(): number {
    return this.#count;
  }

  toJSON(): { count: number; examples: T[] } {
    return { count: this.#count, examples: [...this.#examples] };
  }
}
