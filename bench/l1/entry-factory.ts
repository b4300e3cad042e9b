import type { Random } from "./prng.ts";
import type { EntryKeyLike, EntryLike, SharedL1 } from "./shared-l1.ts";

const CONTENT_TYPES = [
  "application/json",
  "text/html; charset=utf-8",
  "application/octet-stream",
  "image/webp",
  "text/plain; charset=utf-8",
];
const KEY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789/-_.";

/**
 * A flat string, as the service gets from a URL, a header or JSON.parse. Strings built with +=
 * or template literals would be V8 cons-string trees and weigh more than real ones.
 */
function flatString(random: Random, length: number, alphabet: string): string {
  const codes = Array.from({ length }, () => alphabet.charCodeAt(Math.floor(random() * alphabet.length)));
  return String.fromCharCode(...codes);
}

export interface RealisticEntry {
  key: EntryKeyLike;
  entry: EntryLike;
  /** UTF-16 code units of tenant, key, content type, etag and tags: what entryFootprint weighs. */
  chars: number;
}

/** One entry as a client PUT would create it: 20-40 char key, fresh header strings, 0-2 tags. */
export async function realisticEntry(
  l1: SharedL1,
  tenants: readonly string[],
  valueBytes: number,
  random: Random,
): Promise<RealisticEntry> {
  const tenant = tenants[Math.floor(random() * tenants.length)] ?? "acme";
  const key = flatString(random, 20 + Math.floor(random() * 21), KEY_CHARS);
  const sharedType = CONTENT_TYPES[Math.floor(random() * CONTENT_TYPES.length)] ?? "application/json";
  const contentType = String.fromCharCode(...Array.from(sharedType, (c) => c.charCodeAt(0)));
  const tags = Array.from({ length: Math.floor(random() * 3) }, () => flatString(random, 6 + Math.floor(random() * 11), KEY_CHARS));
  const value = new Uint8Array(valueBytes);
  crypto.getRandomValues(value);
  const entry = await l1.createEntry({ value, contentType, ttlSeconds: 300, swrSeconds: 60, tags }, Date.now());
  const chars = tenant.length + key.length + contentType.length + entry.etag.length + entry.tags.reduce((n, t) => n + t.length, 0);
  return { key: { tenant, key }, entry, chars };
}
