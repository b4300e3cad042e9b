export interface SingleFlightOptions {
  /** How long a caller waits for another caller's load before using its fallback. @default 5000 */
  waitTimeoutMs?: number;
  /**
   * How long after it started a load is still joined. Past it, the next caller starts a new one:
   * a leader cancelled in Workers never settles and its `finally` never runs, so a slot freed
   * only on settle would be held forever. Set it above the load's own deadlines. @default 30000
   */
  maxFlightMs?: number;
  /** Loads tracked at once; past it, a new load runs unshared rather than grow the map. @default 10000 */
  maxFlights?: number;
  now?: () => number;
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
 * as the load settles or, if it never does, stops being joined once it is `maxFlightMs` old; and
 * only plain values are shared: a Response or a stream is tied to the request that made it and
 * cannot be read twice.
 */
const TIMED_OUT: unique symbol = Symbol("timed out");

export class SingleFlight<T> {
  readonly #waitTimeoutMs: number;
  readonly #maxFlightMs: number;
  readonly #maxFlights: number;
  readonly #now: () => number;
  // Insertion order is start order (a replaced flight is re-inserted), so the oldest come first.
  readonly #inFlight = new Map<string, { promise: Promise<T>; startedAt: number }>();

  constructor(options: SingleFlightOptions = {}) {
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 5000;
    this.#maxFlightMs = options.maxFlightMs ?? 30_000;
    this.#maxFlights = Math.max(1, options.maxFlights ?? 10_000);
    this.#now = options.now ?? Date.now;
  }

  /** Loads tracked; 0 once every load has settled or expired. */
  get size(): number {
    return this.#inFlight.size;
  }

  run(key: string, load: () => Promise<T>, options: FlightOptions<T> = {}): Promise<T> {
    const now = this.#now();
    const shared = this.#inFlight.get(key);
    if (shared && now - shared.startedAt < this.#maxFlightMs) return this.#wait(shared.promise, options);
    this.#inFlight.delete(key);
    const flight: Promise<T> = Promise.resolve()
      .then(load)
      .then(assertPlain)
      .finally(() => {
        if (this.#inFlight.get(key)?.promise === flight) this.#inFlight.delete(key);
      });
    this.#dropExpired(now);
    if (this.#inFlight.size < this.#maxFlights) this.#inFlight.set(key, { promise: flight, startedAt: now });
    options.waitUntil?.(flight.catch(() => {}));
    return flight;
  }

  #dropExpired(now: number): void {
    for (const [key, flight] of this.#inFlight) {
      if (now - flight.startedAt < this.#maxFlightMs) return;
      this.#inFlight.delete(key);
    }
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
