import { createHash } from "node:crypto";
import { appendFileSync, readFileSync, rmSync, truncateSync } from "node:fs";

const DIGEST_BYTES = 8;

/**
 * The keys a migration has committed, for a source with no cursor to resume from (Memcached's
 * metadump lists keys in no stable order): 8 bytes of SHA-256 per key in a file beside the state,
 * appended after each committed window. A resumed run loads them sorted (8 bytes of memory per key
 * copied, nothing per key to come) and skips what it finds there. With 64-bit digests the chance
 * that any key of a million is wrongly taken for one already copied is about 5 in 10^8.
 */
export class CommittedKeys {
  readonly #path: string;
  readonly #sorted: BigUint64Array;

  private constructor(path: string, sorted: BigUint64Array) {
    this.#path = path;
    this.#sorted = sorted;
  }

  static load(path: string): CommittedKeys {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      bytes = Buffer.alloc(0);
    }
    const count = Math.floor(bytes.byteLength / DIGEST_BYTES);
    // A crash mid-append leaves a partial digest: cut it, or every later append would be misaligned.
    if (bytes.byteLength % DIGEST_BYTES !== 0) truncateSync(path, count * DIGEST_BYTES);
    const digests = new BigUint64Array(count);
    for (let i = 0; i < count; i++) digests[i] = bytes.readBigUInt64BE(i * DIGEST_BYTES);
    return new CommittedKeys(path, digests.sort());
  }

  /** Keys committed before this run. */
  get size(): number {
    return this.#sorted.length;
  }

  /** Committed by an earlier run of this migration. */
  has(key: Buffer): boolean {
    const digest = digestOf(key);
    let low = 0;
    let high = this.#sorted.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.#sorted[middle] as bigint;
      if (value === digest) return true;
      if (value < digest) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  /** Records keys as committed; called only after their window is settled in edge-cache. */
  append(keys: readonly Buffer[]): void {
    if (keys.length === 0) return;
    const bytes = Buffer.alloc(keys.length * DIGEST_BYTES);
    for (const [i, key] of keys.entries()) bytes.writeBigUInt64BE(digestOf(key), i * DIGEST_BYTES);
    appendFileSync(this.#path, bytes);
  }

  remove(): void {
    rmSync(this.#path, { force: true });
  }
}

function digestOf(key: Buffer): bigint {
  return createHash("sha256").update(key).digest().readBigUInt64BE(0);
}
