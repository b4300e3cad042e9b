/**
 * XFetch, probabilistic early expiration (Vattani, Chierichetti, Lowenstein, "Optimal
 * Probabilistic Cache Stampede Prevention", VLDB 2015): refresh when
 *
 *   now - delta * beta * ln(random()) >= freshUntil
 *
 * ln(random()) is negative, so the left side is `now` pushed *forward* by a random amount that
 * is usually small and rarely large: refreshes spread out before expiry instead of piling up at
 * it. `delta` is how long a refresh takes; `beta` > 1 favours earlier refreshes.
 */
export interface XFetchInput {
  now: number;
  freshUntil: number;
  deltaMs: number;
  /** @default 1 */
  beta?: number;
  /** In (0, 1]. @default Math.random */
  random?: () => number;
}

export function shouldRefreshEarly(input: XFetchInput): boolean {
  // 1 - Math.random() is in (0, 1]: ln(0) would be -Infinity and refresh unconditionally.
  const r = input.random ? input.random() : 1 - Math.random();
  return input.now - input.deltaMs * (input.beta ?? 1) * Math.log(r) >= input.freshUntil;
}
