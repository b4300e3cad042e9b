import type { L1Policy } from "./policy.ts";
import { RingQueue } from "./ring-queue.ts";

interface S3Node<V> {
  key: string;
  value: V;
  /** Hits since insertion or last inspection, capped at 3 (two bits in the paper). */
  freq: number;
}

export interface S3FifoOptions {
  /** Entries in total. */
  capacity: number;
  /** Share of the capacity for the small (probationary) queue. @default 0.1 */
  smallShare?: number;
}

/**
 * S3-FIFO (Yang et al., SOSP 2023): new keys enter a small FIFO; those hit while there move to
 * the main FIFO, the rest leave and are remembered in a ghost FIFO of keys, so a key that comes
 * back soon enters main directly. Main reinserts hit entries at its head, like CLOCK.
 */
export class S3Fifo<V> implements L1Policy<V> {
  readonly #map = new Map<string, S3Node<V>>();
  readonly #capacity: number;
  readonly #smallTarget: number;
  readonly #small: RingQueue<S3Node<V>>;
  readonly #main: RingQueue<S3Node<V>>;
  /** Ghost keys in FIFO order, with the insertion stamp that lets a stale slot be told apart. */
  readonly #ghostOrder: RingQueue<[string, number]>;
  readonly #ghost = new Map<string, number>();
  #ghostStamp = 0;

  constructor(options: S3FifoOptions) {
    this.#capacity = options.capacity;
    this.#smallTarget = Math.max(1, Math.round(options.capacity * (options.smallShare ?? 0.1)));
    // Either queue may briefly hold everything (all hits promoted, or nothing promoted yet).
    this.#small = new RingQueue(options.capacity);
    this.#main = new RingQueue(options.capacity);
    // The paper sizes the ghost like the main queue.
    this.#ghostOrder = new RingQueue(Math.max(1, options.capacity - this.#smallTarget));
  }

  get(key: string): V | undefined {
    const node = this.#map.get(key);
    if (!node) return undefined;
    if (node.freq < 3) node.freq++;
    return node.value;
  }

  set(key: string, value: V): boolean {
    const existing = this.#map.get(key);
    if (existing) {
      existing.value = value;
      return true;
    }
    while (this.#map.size >= this.#capacity) this.#evict();
    const node: S3Node<V> = { key, value, freq: 0 };
    if (this.#ghost.delete(key)) this.#main.push(node);
    else this.#small.push(node);
    this.#map.set(key, node);
    return true;
  }

  #evict(): void {
    if (this.#small.size >= this.#smallTarget || this.#main.size === 0) this.#evictSmall();
    else this.#evictMain();
  }

  #evictSmall(): void {
    for (let node = this.#small.shift(); node; node = this.#small.shift()) {
      if (node.freq > 0) {
        node.freq = 0;
        this.#main.push(node);
        continue;
      }
      this.#map.delete(node.key);
      this.#remember(node.key);
      return;
    }
    // Everything in small was promoted: the entry to drop must come from main.
    this.#evictMain();
  }

  #evictMain(): void {
    for (let node = this.#main.shift(); node; node = this.#main.shift()) {
      if (node.freq > 0) {
        node.freq--;
        this.#main.push(node);
        continue;
      }
      this.#map.delete(node.key);
      return;
    }
  }

  #remember(key: string): void {
    if (this.#ghostOrder.size === this.#ghostOrder.capacity) {
      const oldest = this.#ghostOrder.shift();
      if (oldest && this.#ghost.get(oldest[0]) === oldest[1]) this.#ghost.delete(oldest[0]);
    }
    const stamp = ++this.#ghostStamp;
    this.#ghost.set(key, stamp);
    this.#ghostOrder.push([key, stamp]);
  }
}
