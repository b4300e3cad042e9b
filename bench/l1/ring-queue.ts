/** A bounded FIFO over a circular array: S3-FIFO only ever pushes at the head and pops the tail. */
export class RingQueue<T> {
  readonly #slots: (T | undefined)[];
  #tail = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.#slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  /** Returns false when full. */
  push(item: T): boolean {
    if (this.size === this.capacity) return false;
    this.#slots[(this.#tail + this.size) % this.capacity] = item;
    this.size++;
    return true;
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#slots[this.#tail];
    this.#slots[this.#tail] = undefined;
    this.#tail = (this.#tail + 1) % this.capacity;
    this.size--;
    return item;
  }
}
