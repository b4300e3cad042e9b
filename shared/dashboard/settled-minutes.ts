import type { TenantId } from "../cache/keys";
import { COUNTER_NAMES, type Counters } from "../stats/counters";

const DAY_MINUTES = 1440;
const FIELDS = COUNTER_NAMES.length;

export interface SettledMinutesOptions {
  /** Tenants whose minutes are kept; the one viewed least recently is dropped first. @default 16 */
  maxTenants?: number;
}

/**
 * Per-minute counters that can no longer change, kept in this isolate so a dashboard that
 * refreshes reads only its newest minutes from Redis. One ring of a day per tenant, packed in a
 * typed array: about 120 KiB per tenant, so the default bound stays under 2 MiB of the isolate.
 */
export class SettledMinutes {
  readonly #maxTenants: number;
  readonly #tenants = new Map<TenantId, TenantRing>();

  constructor(options: SettledMinutesOptions = {}) {
    this.#maxTenants = options.maxTenants ?? 16;
  }

  get(tenant: TenantId, epochMinute: number): Counters | undefined {
    const ring = this.#tenants.get(tenant);
    const slot = epochMinute % DAY_MINUTES;
    if (!ring || ring.minutes[slot] !== epochMinute) return undefined;
    const counters = {} as Counters;
    COUNTER_NAMES.forEach((name, i) => {
      counters[name] = ring.values[slot * FIELDS + i] as number;
    });
    return counters;
  }

  put(tenant: TenantId, epochMinute: number, counters: Counters): void {
    const ring = this.#ring(tenant);
    const slot = epochMinute % DAY_MINUTES;
    ring.minutes[slot] = epochMinute;
    COUNTER_NAMES.forEach((name, i) => {
      ring.values[slot * FIELDS + i] = counters[name];
    });
  }

  #ring(tenant: TenantId): TenantRing {
    let ring = this.#tenants.get(tenant);
    if (ring) {
      this.#tenants.delete(tenant);
    } else {
      ring = { minutes: new Int32Array(DAY_MINUTES).fill(-1), values: new Float64Array(DAY_MINUTES * FIELDS) };
      if (this.#tenants.size >= this.#maxTenants) {
        const oldest = this.#tenants.keys().next().value;
        if (oldest !== undefined) this.#tenants.delete(oldest);
      }
    }
    this.#tenants.set(tenant, ring);
    return ring;
  }
}

interface TenantRing {
  /** The epoch minute each slot holds, or -1. */
  minutes: Int32Array;
  values: Float64Array;
}
