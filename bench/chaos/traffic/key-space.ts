/**
 * The keys the run touches, by class. Every tenant uses the same key names on purpose: a value of
 * tenant A read under tenant B's token would carry A's name in its bytes.
 *
 * - durable: long TTL, written by one owner, read by every virtual user of the tenant; never
 *   deleted, tagged or cleared, so Redis must hold the last acknowledged write at the end.
 * - short: a TTL of seconds, owned and read by one virtual user; exercises STALE and grace.
 * - tagged: written, deleted and invalidated by tag; excluded from the durability check.
 * - cold: never written by anyone; any 200 for one is a value the tenant never wrote.
 */

export type KeyClass = "durable" | "short" | "tagged" | "cold";

export interface Lifetime {
  ttlSeconds: number;
  swrSeconds: number;
}

export const LIFETIMES: Record<Exclude<KeyClass, "cold">, Lifetime> = {
  durable: { ttlSeconds: 600, swrSeconds: 30 },
  short: { ttlSeconds: 2, swrSeconds: 1 },
  tagged: { ttlSeconds: 60, swrSeconds: 0 },
};

export interface KeyCounts {
  durable: number;
  short: number;
  tagged: number;
  cold: number;
}

export const KEY_COUNTS: KeyCounts = { durable: 12, short: 4, tagged: 4, cold: 16 };

/** `/` and non-ASCII inside keys are part of the API; the run uses both. */
export function keyName(keyClass: KeyClass, vu: number, n: number): string {
  switch (keyClass) {
    case "durable":
      return `d/${vu}/${n}/ключ`;
    case "short":
      return `s/${vu}/${n}`;
    case "tagged":
      return `g/${vu}/${n}`;
    case "cold":
      return `cold/${n}:never*written`;
  }
}

export function tagOf(vu: number, n: number): string {
  return `grp-${vu}-${n % 2}`;
}

export function keyPath(key: string): string {
  return `/v1/cache/${encodeURIComponent(key).replaceAll("%2F", "/")}`;
}
