/**
 * Upstash's `upstash-sync-token`: a marker of the latest write, which the SDK echoes back so a
 * replica can wait until it has caught up. One Redis has no replica to wait for, so the gateway
 * only has to issue a new value after every write and repeat the last one otherwise.
 */
export class SyncToken {
  #writes = 0;

  get current(): string {
    return String(this.#writes);
  }

  advance(): string {
    this.#writes++;
    return this.current;
  }
}
