/** One row of the report: an invariant, how often it was checked, and how often it failed. */
export interface InvariantResult {
  id: string;
  title: string;
  /** Observations the invariant was checked against. */
  checked: number;
  violations: number;
  /** The figures that back the verdict, one line. */
  figures: string;
  /** A few failing observations, for diagnosis. */
  examples: string[];
}

export function invariant(id: string, title: string, checked: number, failures: string[], figures: string): InvariantResult {
  return { id, title, checked, violations: failures.length, figures, examples: failures.slice(0, 5) };
}
