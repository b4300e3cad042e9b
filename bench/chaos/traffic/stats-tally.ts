import { COUNTER_NAMES, type CounterName, type Counters, emptyCounters } from "../../../shared/stats/counters";

/**
 * What the worker should count per tenant, from the client's side: the counts of completed
 * requests, plus for requests still in flight the most each could add. A /v1/stats answer may
 * include any in-flight request but nothing beyond, so `completed + inFlight` bounds it from above.
 */

// The worker's own counter names, so the tally and the API cannot drift apart.
export const TALLIED = COUNTER_NAMES;

export type TalliedCounter = CounterName;
export type Tally = Counters;

export function emptyTally(): Tally {
  return emptyCounters();
}

function addInto(into: Tally, from: Partial<Tally>, sign = 1): void {
  for (const name of TALLIED) into[name] += sign * (from[name] ?? 0);
}

export interface TallySnapshot {
  completed: Tally;
  inFlight: Tally;
}

export class StatsTally {
  readonly #completed = new Map<string, Tally>();
  readonly #inFlight = new Map<string, Tally>();

  #of(map: Map<string, Tally>, tenant: string): Tally {
    let tally = map.get(tenant);
    if (!tally) {
      tally = emptyTally();
      map.set(tenant, tally);
    }
    return tally;
  }

  /** Registers the most a request may add; call the returned function with what it did add. */
  begin(tenant: string, potential: Partial<Tally>): (actual: Partial<Tally>) => void {
    addInto(this.#of(this.#inFlight, tenant), potential);
    let done = false;
    return (actual) => {
      if (done) return;
      done = true;
      addInto(this.#of(this.#inFlight, tenant), potential, -1);
      addInto(this.#of(this.#completed, tenant), actual);
    };
  }

  snapshot(tenant: string): TallySnapshot {
    return { completed: { ...this.#of(this.#completed, tenant) }, inFlight: { ...this.#of(this.#inFlight, tenant) } };
  }
}
