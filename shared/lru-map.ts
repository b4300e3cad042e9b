/**
 * A map that keeps at most `maxEntries`, forgetting the least recently used first. Per-isolate
 * caches keyed by what callers send (tokens, origins, client addresses) use it, so no caller can
 * grow an isolate's memory by sending many distinct values. A JavaScript Map iterates in
 * insertion order, so re-inserting on use makes its first key the least recently used.
 */
export class LruMap<K, V> {
  readonly maxEntries: number;
  readonly #map = new Map<K, V>();

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`edge-cache: LruMap needs maxEntries ≥ 1, got ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The value, marked as used. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  /** The value, without marking it used. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  set(key: K, value: V): this {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.maxEntries) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }
}
