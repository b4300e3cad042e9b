/**
 * Yields what `source` yields, asking for the next item as soon as one is handed out, so reading
 * the source overlaps with the caller's work on the current item (one item read ahead, no more).
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  // A read that fails while the caller works on the current item is reported when it is asked
  // for, not as an unhandled rejection that kills the process before its cleanup runs.
  const ask = () => {
    const promise = iterator.next();
    promise.catch(() => undefined);
    return promise;
  };
  let next = ask();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = ask();
      yield current.value;
    }
  } finally {
    // Stopped early: let the source close its connections. The read ahead may still be running.
    await next.catch(() => undefined);
    await iterator.return?.();
  }
}
