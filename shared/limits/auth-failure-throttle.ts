import { LruMap } from "../lru-map";

export interface AuthFailureThrottleOptions {
  /** Failed authentications one client may make in a window before it is refused. @default 60 */
  failuresPerWindow?: number;
  /** @default 60000 */
  windowMs?: number;
  /** Clients tracked per isolate; the one that failed least recently is forgotten first. @default 10000 */
  maxClients?: number;
  now?: () => number;
}

interface Window {
  start: number;
  failures: number;
}

/**
 * Counts failed authentications per client in fixed windows, in this isolate. Past the limit,
 * the caller refuses the client's unverified tokens before computing an HMAC or asking Redis, so
 * a client cycling made-up tokens costs neither. Per isolate on purpose: a shared count would
 * cost the Redis round trip this exists to avoid. A forgotten client (the map is full) starts
 * again from zero: at worst another window's worth of lookups.
 */
export class AuthFailureThrottle {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #clients: LruMap<string, Window>;

  constructor(options: AuthFailureThrottleOptions = {}) {
    this.#limit = options.failuresPerWindow ?? 60;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#clients = new LruMap(options.maxClients ?? 10_000);
  }

  /** Milliseconds until the client may try again; 0 when it is not throttled. */
  retryAfterMs(client: string): number {
    const window = this.#current(client);
    if (!window || window.failures < this.#limit) return 0;
    return window.start + this.#windowMs - this.#now();
  }

  recordFailure(client: string): void {
    const window = this.#current(client) ?? { start: this.#now(), failures: 0 };
    window.failures += 1;
    this.#clients.set(client, window);
  }

  #current(client: string): Window | undefined {
    const window = this.#clients.peek(client);
    return window && this.#now() - window.start < this.#windowMs ? window : undefined;
  }
}
