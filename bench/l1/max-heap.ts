/**
 * A binary max-heap of (priority, item) pairs of 32-bit integers in typed arrays: Belady over a
 * million requests pushes a million pairs, and objects would cost more than the simulation.
 */
export class MaxHeap {
  #priorities: Int32Array;
  #items: Int32Array;
  size = 0;

  constructor(initialCapacity = 1024) {
    this.#priorities = new Int32Array(initialCapacity);
    this.#items = new Int32Array(initialCapacity);
  }

  push(priority: number, item: number): void {
    if (this.size === this.#priorities.length) this.#grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentPriority = this.#priorities[parent] as number;
      if (parentPriority >= priority) break;
      this.#priorities[i] = parentPriority;
      this.#items[i] = this.#items[parent] as number;
      i = parent;
    }
    this.#priorities[i] = priority;
    this.#items[i] = item;
  }

  /** Meaningless when empty; check size first. */
  topPriority(): number {
    return this.#priorities[0] as number;
  }

  topItem(): number {
    return this.#items[0] as number;
  }

  pop(): void {
    const last = --this.size;
    const priority = this.#priorities[last] as number;
    const item = this.#items[last] as number;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (this.#priorities[right] as number) > (this.#priorities[child] as number)) child = right;
      if ((this.#priorities[child] as number) <= priority) break;
      this.#priorities[i] = this.#priorities[child] as number;
      this.#items[i] = this.#items[child] as number;
      i = child;
    }
    this.#priorities[i] = priority;
    this.#items[i] = item;
  }

  #grow(): void {
    const priorities = new Int32Array(this.#priorities.length * 2);
    const items = new Int32Array(this.#items.length * 2);
    priorities.set(this.#priorities);
    items.set(this.#items);
    this.#priorities = priorities;
    this.#items = items;
  }
}
