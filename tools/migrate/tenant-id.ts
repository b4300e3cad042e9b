import { isTenantId, type TenantId } from "../../shared/cache/keys.ts";

const MAX_TENANT_ID_LENGTH = 63;

export type TenantIdResult = { ok: true; id: TenantId } | { ok: false; reason: string };

/**
 * A legacy tenant (a school id, a prefix) as an edge-cache tenant id (1-63 of a-z 0-9 _ -, first a
 * letter or digit): lowercased, each run of other characters made one `-`, `-` and `_` trimmed
 * from both ends: `School 12` → `school-12`, ` Ops/EU ` → `ops-eu`, `école` → `cole`.
 */
export function normaliseTenantId(raw: string): TenantIdResult {
  const id = raw
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+|[-_]+$/g, "");
  if (id === "") return { ok: false, reason: `tenant ${JSON.stringify(raw)} has no letter or digit a-z 0-9 to make a tenant id of` };
  if (id.length > MAX_TENANT_ID_LENGTH) {
    return {
      ok: false,
      reason: `tenant ${JSON.stringify(raw)} is ${id.length} characters as a tenant id; the limit is ${MAX_TENANT_ID_LENGTH}`,
    };
  }
  // Unreachable by construction; the guard keeps this in step with the server's rule.
  if (!isTenantId(id)) return { ok: false, reason: `tenant ${JSON.stringify(raw)} normalises to ${id}, which is not a tenant id` };
  return { ok: true, id };
}

export interface TenantIdsOptions {
  /**
   * Distinct tenants a migration may name. A {tenant} capture put on the wrong segment makes one
   * tenant per key; this stops that early, and bounds what is remembered. @default 10_000
   */
  maxTenants?: number;
}

/**
 * The tenants of one migration. Two legacy tenants must not land in one edge-cache tenant, so the
 * first raw id to claim a normal form keeps it and any other is refused.
 */
export class TenantIds {
  readonly #rawById = new Map<TenantId, string>();
  readonly #maxTenants: number;

  constructor(options: TenantIdsOptions = {}) {
    this.#maxTenants = options.maxTenants ?? 10_000;
  }

  resolve(raw: string): TenantIdResult {
    const normal = normaliseTenantId(raw);
    if (!normal.ok) return normal;
    const owner = this.#rawById.get(normal.id);
    if (owner === raw) return normal;
    if (owner !== undefined) return { ok: false, reason: `${owner} and ${raw} both normalise to ${normal.id}` };
    if (this.#rawById.size >= this.#maxTenants) {
      return {
        ok: false,
        reason: `tenant ${normal.id} would be tenant number ${this.#maxTenants + 1}, over the limit of ${this.#maxTenants}`,
      };
    }
    this.#rawById.set(normal.id, raw);
    return normal;
  }

  get size(): number {
    return this.#rawById.size;
  }

  /** Each tenant id with the raw id it came from, in the order they were first seen. */
  entries(): IterableIterator<[TenantId, string]> {
    return this.#rawById.entries();
  }
}
