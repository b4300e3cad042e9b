/** The per-tenant counters the stats route reports; each is a field of the tenant's stats hash. */
export const COUNTER_NAMES = [
  "l1Hits",
  "l2Hits",
  "staleServed",
  "misses",
  "sets",
  "deletes",
  "errors",
  "memoryOnlyWrites",
  "bytesIn",
  "bytesOut",
  "tagInvalidations",
  "prefixInvalidations",
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];

export type Counters = Record<CounterName, number>;

export function emptyCounters(): Counters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Counters;
}

export function addCounters(into: Counters, from: Partial<Counters>): Counters {
  for (const name of COUNTER_NAMES) into[name] += from[name] ?? 0;
  return into;
}

export function isCounterName(name: string): name is CounterName {
  return (COUNTER_NAMES as readonly string[]).includes(name);
}

/** Hits over lookups; null before the first lookup rather than a misleading 0. */
export function hitRatio(counters: Counters): number | null {
  const hits = counters.l1Hits + counters.l2Hits + counters.staleServed;
  const lookups = hits + counters.misses;
  return lookups === 0 ? null : hits / lookups;
}
