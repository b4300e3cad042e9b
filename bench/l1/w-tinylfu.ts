import { FrequencySketch, hashKey } from "./frequency-sketch.ts";
import { type Linked, LruList } from "./lru-list.ts";
import type { L1Policy } from "./policy.ts";

type Segment = "window" | "probation" | "protected";

interface TinyNode<V> extends Linked {
  key: string;
  hash: number;
  value: V;
  segment: Segment;
}

export interface WTinyLfuOptions {
  /** Entries in total. */
  capacity: number;
  /** Share of the capacity for the admission window (LRU). @default 0.01 */
  windowShare?: number;
  /** Share of the main space for the protected segment of the SLRU. @default 0.8 */
  protectedShare?: number;
}

/**
 * W-TinyLFU (Einziger, Friedman, Manes; as in Caffeine, without its adaptive window): new keys
 * enter a small LRU window; the one the window pushes out enters the main segmented LRU only if
 * the sketch says it is more popular than the main space's next victim.
 */
export class WTinyLfu<V> implements L1Policy<V> {
  readonly #map = new Map<string, TinyNode<V>>();
  readonly #sketch: FrequencySketch;
  readonly #window = new LruList<TinyNode<V>>();
  readonly #probation = new LruList<TinyNode<V>>();
  readonly #protected = new LruList<TinyNode<V>>();
  readonly #windowCapacity: number;
  readonly #mainCapacity: number;
  readonly #protectedCapacity: number;
  /** The demand-fill pattern is get(key) then set(key) on a miss: hash once for both. */
  #lastKey = "";
  #lastHash = 0;

  constructor(options: WTinyLfuOptions) {
    this.#windowCapacity = Math.max(1, Math.round(options.capacity * (options.windowShare ?? 0.01)));
    this.#mainCapacity = Math.max(1, options.capacity - this.#windowCapacity);
    this.#protectedCapacity = Math.floor(this.#mainCapacity * (options.protectedShare ?? 0.8));
    this.#sketch = new FrequencySketch(options.capacity);
  }

  #hash(key: string): number {
    if (key !== this.#lastKey) {
      this.#lastKey = key;
      this.#lastHash = hashKey(key);
    }
    return this.#lastHash;
  }

  get(key: string): V | undefined {
    this.#sketch.increment(this.#hash(key));
    const node = this.#map.get(key);
    if (!node) return undefined;
    if (node.segment === "window") this.#window.moveToFront(node);
    else if (node.segment === "protected") this.#protected.moveToFront(node);
    else this.#promote(node);
    return node.value;
  }

  set(key: string, value: V): boolean {
    const existing = this.#map.get(key);
    if (existing) {
      existing.value = value;
      return true;
    }
    const node: TinyNode<V> = { key, hash: this.#hash(key), value, segment: "window", prev: undefined, next: undefined };
    this.#map.set(key, node);
    this.#window.pushFront(node);
    if (this.#window.size > this.#windowCapacity) {
      const candidate = this.#window.popBack();
      if (candidate) this.#admit(candidate);
    }
    return true;
  }

  #promote(node: TinyNode<V>): void {
    this.#probation.remove(node);
    node.segment = "protected";
    this.#protected.pushFront(node);
    if (this.#protected.size > this.#protectedCapacity) {
      const demoted = this.#protected.popBack();
      if (!demoted) return;
      demoted.segment = "probation";
      this.#probation.pushFront(demoted);
    }
  }

  #admit(candidate: TinyNode<V>): void {
    if (this.#probation.size + this.#protected.size >= this.#mainCapacity) {
      const victim = this.#probation.peekBack() ?? this.#protected.peekBack();
      if (victim && this.#sketch.frequency(candidate.hash) <= this.#sketch.frequency(victim.hash)) {
        this.#map.delete(candidate.key);
        return;
      }
      if (victim) {
        (victim.segment === "probation" ? this.#probation : this.#protected).remove(victim);
        this.#map.delete(victim.key);
      }
    }
    candidate.segment = "probation";
    this.#probation.pushFront(candidate);
  }
}
