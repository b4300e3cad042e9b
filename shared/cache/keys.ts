/**
 * A tenant and one of its cache keys: what every tier addresses entries by. Tenant ids cannot
 * contain `:` or glob characters; keys are any 1 to 512 bytes of UTF-8. Where they live in Redis
 * is redis/key-layout.ts.
 */

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const MAX_KEY_BYTES = 512;

export type TenantId = string & { readonly __brand: "TenantId" };

export interface EntryKey {
  readonly tenant: TenantId;
  readonly key: string;
}

export function isTenantId(value: string): value is TenantId {
  return TENANT_ID_PATTERN.test(value);
}

export function toTenantId(value: string): TenantId {
  if (!isTenantId(value)) throw new TypeError(`edge-cache: invalid tenant id ${JSON.stringify(value)}`);
  return value;
}

const encoder = new TextEncoder();

/** Cache keys are 1 to 512 bytes of UTF-8; any characters are allowed. */
export function keyByteLength(key: string): number {
  return encoder.encode(key).byteLength;
}

export function isValidKey(key: string): boolean {
  if (key.length === 0 || key.length > MAX_KEY_BYTES) return false;
  if (!key.isWellFormed()) return false;
  // A UTF-16 code unit never takes more than 3 bytes of UTF-8: most keys need no encoding.
  return key.length * 3 <= MAX_KEY_BYTES || keyByteLength(key) <= MAX_KEY_BYTES;
}

/**
 * The in-memory (L1) map key. Tenant ids hold no `:`, so the tenant ends at the first colon and
 * two different (tenant, key) pairs never share a map key.
 */
export function memoryKey({ tenant, key }: EntryKey): string {
  return `${tenant}:${key}`;
}
