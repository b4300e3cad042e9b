export interface LifetimeOptions {
  /** For a key that never expires in the legacy cache: edge-cache entries always have a TTL. */
  defaultTtlSeconds: number;
  /** The longest TTL the tenant accepts; longer ones are shortened to it. */
  maxTtlSeconds: number;
}

export type Lifetime =
  | { kind: "expired" }
  | {
      kind: "ttl";
      /** Whole seconds, at least 1, at most `maxTtlSeconds`. */
      seconds: number;
      /** The key had no TTL: `defaultTtlSeconds` was given. */
      defaulted: boolean;
      /** Shortened to `maxTtlSeconds`. */
      clamped: boolean;
    };

/**
 * The TTL an entry gets from a legacy key's remaining lifetime (`ttlMs`, undefined when it never
 * expires). Rounded up, so a key with 300 ms left still lives its 300 ms rather than none.
 *
 * @throws RangeError for a ttlMs or option that is not a number the rules can use.
 */
export function lifetimeOf(ttlMs: number | undefined, options: LifetimeOptions): Lifetime {
  const { defaultTtlSeconds, maxTtlSeconds } = options;
  if (!Number.isInteger(defaultTtlSeconds) || defaultTtlSeconds < 1)
    throw new RangeError(`defaultTtlSeconds must be a whole number of seconds ≥ 1, not ${defaultTtlSeconds}`);
  if (!Number.isInteger(maxTtlSeconds) || maxTtlSeconds < 1)
    throw new RangeError(`maxTtlSeconds must be a whole number of seconds ≥ 1, not ${maxTtlSeconds}`);
  if (ttlMs !== undefined && Number.isNaN(ttlMs)) throw new RangeError("ttlMs is NaN");
  if (ttlMs !== undefined && ttlMs <= 0) return { kind: "expired" };
  const defaulted = ttlMs === undefined;
  const wanted = ttlMs === undefined ? defaultTtlSeconds : Math.max(1, Math.ceil(ttlMs / 1000));
  const clamped = wanted > maxTtlSeconds;
  return { kind: "ttl", seconds: clamped ? maxTtlSeconds : wanted, defaulted, clamped };
}
