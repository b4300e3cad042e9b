/**
 * A distribution-free 95% confidence interval of a median: the order statistics x(j) and
 * x(n+1-j), with j the largest rank such that P(Binomial(n, 1/2) < j) ≤ 2.5%. For 9 samples that
 * is the 2nd smallest to the 2nd largest (96% coverage). No assumption about the latencies'
 * distribution, which is skewed and has outliers.
 */
export function medianInterval(values: readonly number[]): { low: number; high: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  let below = 0;
  let probability = 0.5 ** n;
  let j = 0;
  // Accumulates P(X = k) for k = 0, 1, … while the tail stays within 2.5%.
  for (let k = 0; k < n; k++) {
    if (below + probability > 0.025) break;
    below += probability;
    j = k + 1;
    probability *= (n - k) / (k + 1);
  }
  if (j === 0) return { low: sorted[0] as number, high: sorted[n - 1] as number };
  return { low: sorted[j - 1] as number, high: sorted[n - j] as number };
}
