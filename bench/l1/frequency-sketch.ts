/** FNV-1a over UTF-16 code units: cheap, and the sketch only needs the bits spread, not security. */
export function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

const ROW_SEEDS = [0x9e3779b1, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f];

/**
 * TinyLFU's popularity estimate (Einziger et al., 2017): a count-min sketch of four rows of
 * 4-bit counters (capped at 15). After 10 x capacity increments every counter is halved, so
 * the estimate follows a shifting popularity instead of remembering all history.
 */
export class FrequencySketch {
  readonly #table: Uint8Array;
  readonly #width: number;
  readonly #sampleSize: number;
  #additions = 0;

  constructor(capacity: number) {
    let width = 16;
    while (width < capacity) width *= 2;
    this.#width = width;
    this.#table = new Uint8Array(width * ROW_SEEDS.length);
    this.#sampleSize = 10 * Math.max(1, capacity);
  }

  #slot(hash: number, row: number): number {
    let h = Math.imul(hash ^ (ROW_SEEDS[row] as number), 0x27d4eb2d);
    h ^= h >>> 15;
    return row * this.#width + (h & (this.#width - 1));
  }

  increment(hash: number): void {
    let added = false;
    for (let row = 0; row < ROW_SEEDS.length; row++) {
      const slot = this.#slot(hash, row);
      const count = this.#table[slot] as number;
      if (count < 15) {
        this.#table[slot] = count + 1;
        added = true;
      }
    }
    if (added && ++this.#additions >= this.#sampleSize) this.#age();
  }

  frequency(hash: number): number {
    let min = 15;
    for (let row = 0; row < ROW_SEEDS.length; row++) min = Math.min(min, this.#table[this.#slot(hash, row)] as number);
    return min;
  }

  #age(): void {
    for (let i = 0; i < this.#table.length; i++) this.#table[i] = (this.#table[i] as number) >>> 1;
    this.#additions = Math.floor(this.#additions / 2);
  }
}
