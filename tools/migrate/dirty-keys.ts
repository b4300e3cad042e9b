/**
 * Keys the source reported changed and edge-cache has not caught up with yet, each once however
 * often it changed (the copy reads its value when it gets to it, so only the latest one matters).
 * Bounded: past `maxKeys` the set is dropped and a rescan asked for instead, which covers them all.
 */
export class DirtyKeys {
  readonly #maxKeys: number;
  readonly #keys = new Map<string, Buffer>();
  #rescanNeeded = false;

  /** @param maxKeys @default 100_000 */
  constructor(maxKeys = 100_000) {
    this.#maxKeys = maxKeys;
  }

  get size(): number {
    return this.#keys.size;
  }

  add(key: Buffer): void {
    if (this.#rescanNeeded) return;
    if (this.#keys.size >= this.#maxKeys) {
      this.#keys.clear();
      this.#rescanNeeded = true;
      return;
    }
    this.#keys.set(key.toString("latin1"), key);
  }

  /** Events may have been missed (the subscription dropped): only a rescan can tell what changed. */
  markGap(): void {
    this.#rescanNeeded = true;
  }

  /** Whether a rescan was asked for since the last call; asking clears it. */
  takeRescan(): boolean {
    const needed = this.#rescanNeeded;
    this.#rescanNeeded = false;
    return needed;
  }

  /** Up to `max` keys, removed from the set: a change after this is recorded again. */
  take(max: number): Buffer[] {
    const taken: Buffer[] = [];
    for (const [id, key] of this.#keys) {
      if (taken.length >= max) break;
      this.#keys.delete(id);
      taken.push(key);
    }
    return taken;
  }
}
