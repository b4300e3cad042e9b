import { MaxHeap } from "./max-heap.ts";

/** Stands for "never requested again"; above every request index. */
const NEVER = 0x7fffffff;

/** For each request, the index of the next request of the same key (NEVER if none). */
export function nextUses(ids: Int32Array, idCount: number): Int32Array {
  const next = new Int32Array(ids.length);
  const seenAt = new Int32Array(idCount).fill(NEVER);
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i] as number;
    next[i] = seenAt[id] as number;
    seenAt[id] = i;
  }
  return next;
}

export interface BeladyOptions {
  capacity: number;
  /** Requests before this index fill the cache but are not counted. */
  warmup: number;
  /**
   * May a missed key be left out of the cache? With bypass this is the optimum for any cache
   * that may refuse admission (as W-TinyLFU does); without it, classic demand-paging MIN.
   */
  bypass: boolean;
}

export interface BeladyResult {
  /** Hits at or after the warm-up index. */
  hits: number;
  hitsWithWarmup: number;
}

/**
 * Belady's offline optimum: on a miss with a full cache, drop the key requested farthest in the
 * future. The heap holds (next use, key) pairs; a pair whose next use is no longer the key's
 * current one is stale and skipped when it surfaces (lazy deletion), so every step is O(log n).
 */
export function beladyHits(ids: Int32Array, next: Int32Array, idCount: number, options: BeladyOptions): BeladyResult {
  const cachedNext = new Int32Array(idCount).fill(-1);
  const heap = new MaxHeap(options.capacity * 4);
  let size = 0;
  let hits = 0;
  let hitsWithWarmup = 0;
  const dropStale = () => {
    while (heap.size > 0 && cachedNext[heap.topItem()] !== heap.topPriority()) heap.pop();
  };
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    const nextUse = next[i] as number;
    if ((cachedNext[id] as number) >= 0) {
      hitsWithWarmup++;
      if (i >= options.warmup) hits++;
      cachedNext[id] = nextUse;
      heap.push(nextUse, id);
      continue;
    }
    if (size >= options.capacity) {
      dropStale();
      if (options.bypass && nextUse >= heap.topPriority()) continue;
      cachedNext[heap.topItem()] = -1;
      heap.pop();
      size--;
    }
    cachedNext[id] = nextUse;
    heap.push(nextUse, id);
    size++;
  }
  return { hits, hitsWithWarmup };
}
