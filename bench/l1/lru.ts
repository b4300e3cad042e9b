import { type Linked, LruList } from "./lru-list.ts";
import type { L1Policy } from "./policy.ts";

interface LruNode<V> extends Linked {
  key: string;
  value: V;
}

/**
 * Textbook LRU (a map plus a recency list), the baseline SIEVE must beat. Built like SieveCache
 * (object nodes, one Map) so that ops/s differences come from the policy, not the plumbing.
 */
export class Lru<V> implements L1Policy<V> {
  readonly #map = new Map<string, LruNode<V>>();
  readonly #order = new LruList<LruNode<V>>();

  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const node = this.#map.get(key);
    if (!node) return undefined;
    this.#order.moveToFront(node);
    return node.value;
  }

  set(key: string, value: V): boolean {
    const existing = this.#map.get(key);
    if (existing) {
      existing.value = value;
      this.#order.moveToFront(existing);
      return true;
    }
    if (this.#map.size >= this.capacity) {
      const victim = this.#order.popBack();
      if (victim) this.#map.delete(victim.key);
    }
    const node: LruNode<V> = { key, value, prev: undefined, next: undefined };
    this.#order.pushFront(node);
    this.#map.set(key, node);
    return true;
  }
}
