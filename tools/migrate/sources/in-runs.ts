/** A run of consecutive items, and whether it is the last one. */
export interface Run<T> {
  items: T[];
  last: boolean;
}

/**
 * Groups a stream into runs of `size` items, reading one item ahead so each run knows whether
 * another follows (a page's `done`). An empty stream gives one empty, last run. Holds one run.
 */
export async function* inRuns<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<Run<T>> {
  const iterator = items[Symbol.asyncIterator]();
  let next = await iterator.next();
  try {
    do {
      const run: T[] = [];
      while (!next.done && run.length < size) {
        run.push(next.value);
        next = await iterator.next();
      }
      yield { items: run, last: next.done === true };
    } while (!next.done);
  } finally {
    // Left early: let the stream release what it holds (a file, a connection).
    if (!next.done) await iterator.return?.();
  }
}
