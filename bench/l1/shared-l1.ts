/**
 * The service's L1 pieces, loaded for the memory benchmark. tsconfig.node.json checks bench/ as
 * NodeNext with the ES2023 lib, while shared/ is written for the Workers bundler (extensionless
 * imports, ES2024): a static import would make tsc check shared/ under rules it was not written
 * for. A computed specifier keeps tsc out of shared/; tsx resolves it at run time, and the
 * structural types below are all the benchmark relies on.
 */

export interface EntryKeyLike {
  tenant: string;
  key: string;
}

/** Opaque here: the benchmark only hands entries from createEntry to MemoryStore.put. */
export type EntryLike = { readonly value: Uint8Array; readonly etag: string; readonly tags: readonly string[] };

export interface MemoryStoreLike {
  put(key: EntryKeyLike, entry: EntryLike, bounds: { checkedUntil: number; retainUntil: number; durability: "memory" }): boolean;
  usage(): { entries: number; bytes: number; budgetBytes: number };
}

export interface SharedL1 {
  MemoryStore: new (options: { budgetBytes?: number }) => MemoryStoreLike;
  createEntry(
    input: { value: Uint8Array; contentType: string; ttlSeconds: number; swrSeconds: number; tags: readonly string[] },
    now: number,
  ): Promise<EntryLike>;
  toTenantId(value: string): string;
}

export async function loadSharedL1(): Promise<SharedL1> {
  const dir = new URL("../../shared/cache/", import.meta.url).href;
  const [store, entry, keys] = await Promise.all([import(`${dir}memory-store.ts`), import(`${dir}entry.ts`), import(`${dir}keys.ts`)]);
  return { MemoryStore: store.MemoryStore, createEntry: entry.createEntry, toTenantId: keys.toTenantId } as SharedL1;
}
