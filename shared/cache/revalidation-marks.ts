export interface RevalidationMarksOptions {
  /** How long a mark counts; an older one was left by a cancelled request. */
  timeoutMs: number;
  /** Marks kept at most; past it, a revalidation goes unmarked. */
  maxMarks: number;
}

/**
 * The keys whose L1 copy is being revalidated in this isolate, by when that started. A Workers
 * request can be cancelled at any await, and then its `finally` never runs: a mark therefore
 * expires on its own after `timeoutMs`, and the map holds at most `maxMarks`. An unmarked
 * revalidation is only less shared (other readers ask Redis themselves), never wrong.
 */
export class RevalidationMarks {
  readonly #timeoutMs: number;
  readonly #maxMarks: number;
  /** Insertion order is start order: expired marks are always at the front. */
  readonly #marks = new Map<string, number>();

  constructor(options: RevalidationMarksOptions) {
    this.#timeoutMs = options.timeoutMs;
    this.#maxMarks = options.maxMarks;
  }

  get size(): number {
    return this.#marks.size;
  }

  /** Whether a revalidation of `id` started less than `timeoutMs` ago. */
  isActive(id: string, now: number): boolean {
    const startedAt = this.#marks.get(id);
    return startedAt !== undefined && now - startedAt < this.#timeoutMs;
  }

  /** Marks `id` as being revalidated from `now`; the mark to release, or undefined when full. */
  mark(id: string, now: number): number | undefined {
    for (const [other, startedAt] of this.#marks) {
      if (now - startedAt < this.#timeoutMs) break;
      this.#marks.delete(other);
    }
    this.#marks.delete(id);
    if (this.#marks.size >= this.#maxMarks) return undefined;
    this.#marks.set(id, now);
    return now;
  }

  /** Ends a revalidation, unless a newer one of the same key has taken its place. */
  release(id: string, mark: number | undefined): void {
    if (mark !== undefined && this.#marks.get(id) === mark) this.#marks.delete(id);
  }
}
