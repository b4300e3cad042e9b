/** The map key getMany uses for a key: one character per byte, so binary keys round-trip. */
export function memcachedKeyId(key: Buffer): string {
  return key.toString("latin1");
}

/** Whether `get` can ask for the key: the text protocol splits on spaces and stops at control characters. */
export function isTextProtocolKey(key: Buffer): boolean {
  return key.length > 0 && key.length <= 250 && key.every((byte) => byte > 0x20 && byte !== 0x7f);
}

/** The header of one `get` hit: `VALUE <key> <flags> <bytes>`. */
export function parseValueHeader(line: Buffer): { keyId: string; flags: number; bytes: number } | undefined {
  const match = /^VALUE (\S+) (\d+) (\d+)(?: \d+)?$/.exec(line.toString("latin1"));
  if (!match) return undefined;
  return { keyId: match[1] as string, flags: Number(match[2]), bytes: Number(match[3]) };
}

/**
 * The header of one meta-get hit asked with `t f v`: `VA <bytes> t<ttl> f<flags>`, the flags in
 * any order; `t-1` means no expiry.
 */
export function parseMetaValueHeader(line: Buffer): { bytes: number; flags: number; ttlSeconds: number | undefined } | undefined {
  const match = /^VA (\d+)((?: \S+)*)$/.exec(line.toString("latin1"));
  if (!match) return undefined;
  const returned = new Map<string, string>();
  for (const flag of (match[2] as string).split(" ")) if (flag !== "") returned.set(flag.slice(0, 1), flag.slice(1));
  const ttl = Number(returned.get("t") ?? "-1");
  return { bytes: Number(match[1]), flags: Number(returned.get("f") ?? "0"), ttlSeconds: ttl < 0 ? undefined : ttl };
}
