/**
 * The ephemeral cache handed to @upstash/ratelimit: identifier → the time (epoch ms) until which
 * it is known to be blocked, so a blocked caller costs no round trip. The library only adds to it
 * (when a check is refused) and removes an entry when it reads it after its time; an identifier
 * blocked once and never seen again would stay for ever, one per tenant or token ever limited.
 * This Map keeps at most `maxEntries`, dropping the oldest first: a dropped block costs one Redis
 * check, which blocks again. It must be a Map: the library tests `instanceof Map`.
 */
export class BoundedBlockCache extends Map<string, number> {
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    super();
    this.#maxEntries = maxEntries;
  }

  override set(identifier: string, blockedUntil: number): this {
    super.delete(identifier);
    super.set(identifier, blockedUntil);
    if (this.size > this.#maxEntries) {
      const oldest = this.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return this;
  }
}
