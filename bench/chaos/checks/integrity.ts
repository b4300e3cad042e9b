import type { KeyEvent } from "../traffic/journal.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

/** Every value returned is one this tenant wrote under this key, byte for byte; cold keys never hit. */
export function checkIntegrity(events: readonly KeyEvent[]): InvariantResult {
  const failures: string[] = [];
  let checked = 0;
  for (const event of events) {
    if (event.kind !== "read" || event.outcome !== "hit") continue;
    checked++;
    if (event.keyClass === "cold") failures.push(`${event.tenant}/${event.key}: a value for a key nobody wrote`);
    else if (event.problem) failures.push(`${event.tenant}/${event.key}: ${event.problem}`);
  }
  return invariant(
    "integrity",
    "no value returned that its tenant never wrote under that key (cross-tenant bleed, corruption, unknown sequence)",
    checked,
    failures,
    `${checked} values verified byte for byte`,
  );
}
