export interface SingleFlightOptions {
  /** How long a caller waits for another caller's load before using its fallback. @default 5000 */
  waitTimeoutMs?: number;
}

export interface FlightOptions<T> {
  /**
   * The leader's `ctx.waitUntil`: keeps the shared load alive after the leader's own request
   * ends, since the others may still be waiting on it.
   */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** What a waiting caller does when the shared load outlasts its wait. @default rejects with SingleFlightTimeoutError */
  fallback?: () => Promise<T>;
  /** Overrides the instance's wait for this caller. */
  waitTimeoutMs?: number;
}

/**
 * Concurrent callers for one key in this isolate share one load. In Workers a request that
 * awaits a promise created by another request can be cancelled with it, so each waiter has its
 * own timeout and fallback, the leader hands the load to `waitUntil`, the slot is freed as soon
 * as the load settles, and only plain values are shared: a Response or a stream is tied to the
 * request that made it and cannot be read twice.
 */
const TIMED_OUT: unique symbol = Symbol("timed out");

export class SingleFlight<T> {
  readonly #waitTimeoutMs: number;
  readonly #inFlight = new Map<string, Promise<T>>();

  constructor(options: SingleFlightOptions = {}) {
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 5000;
  }

  /** Loads in flight; 0 once every load has settled. */
  get size(): number {
    return this.#inFlight.size;
  }

  run(key: string, load: () => Promise<T>, options: FlightOptions<T> = {}): Promise<T> {
    const shared = this.#inFlight.get(key);
    if (shared) return this.#wait(shared, options);
    const flight = Promise.resolve()
      .then(load)
      .then(assertPlain)
      .finally(() => {
        if (this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
      });
    this.#inFlight.set(key, flight);
    options.waitUntil?.(flight.catch(() => {}));
    return flight;
  }

  #wait(shared: Promise<T>, options: FlightOptions<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), options.waitTimeoutMs ?? this.#waitTimeoutMs);
    });
    return Promise.race([shared, timeout])
      .then((result) => {
        if (result !== TIMED_OUT) return result;
        return options.fallback ? options.fallback() : Promise.reject(new SingleFlightTimeoutError());
      })
      .finally(() => {
        if (timer !== undefined) clearTimeout(timer);
      });
  }
}

export class SingleFlightTimeoutError extends Error {
  override name = "SingleFlightTimeoutError";
  constructor() {
    super("edge-cache: gave up waiting for a shared load");
  }
}

function assertPlain<T>(value: T): T {
  if (value instanceof Response || value instanceof Request || value instanceof ReadableStream) {
    throw new TypeError("edge-cache: single-flight shares plain values only, never a Response, Request or stream");
  }
  return value;
}
