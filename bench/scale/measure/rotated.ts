/**
 * The items starting at `by` (mod length), wrapping round: repetition r measures the sizes in a
 * different order each time, so none is always measured first (after a restart, say) or last.
 */
export function rotated<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const start = by % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
