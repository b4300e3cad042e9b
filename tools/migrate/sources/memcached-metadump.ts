/** One item of `lru_crawler metadump`. */
export interface MetadumpEntry {
  key: Buffer;
  /** Unix time in seconds at which the item expires; undefined when it never does. */
  exp: number | undefined;
  /** The item's size in memcached's memory: header, key and value together. */
  size: number;
}

/**
 * Parses a metadump line such as `key=caf%C3%A9 exp=1796274932 la=1796274832 cas=2 fetch=no
 * cls=1 size=68`. Keys are URL-encoded there (a key may hold any byte but space and control
 * characters, and the dump is line-based); `exp=-1` means no expiry. Throws on a line that is not
 * an item, with the reason.
 */
export function parseMetadumpLine(line: Buffer): MetadumpEntry {
  const fields = new Map<string, Buffer>();
  for (const token of splitSpaces(line)) {
    const equals = token.indexOf(0x3d);
    if (equals > 0) fields.set(token.subarray(0, equals).toString("latin1"), token.subarray(equals + 1));
  }
  const key = fields.get("key");
  const exp = fields.get("exp")?.toString("latin1");
  const size = fields.get("size")?.toString("latin1");
  if (key === undefined || key.length === 0) throw new Error("no key= field");
  if (exp === undefined || !/^-?\d+$/.test(exp)) throw new Error("no exp= number");
  if (size === undefined || !/^\d+$/.test(size)) throw new Error("no size= number");
  return { key: percentDecode(key), exp: exp === "-1" ? undefined : Number(exp), size: Number(size) };
}

function splitSpaces(line: Buffer): Buffer[] {
  const tokens: Buffer[] = [];
  let start = 0;
  for (let at = line.indexOf(0x20); at !== -1; at = line.indexOf(0x20, start)) {
    if (at > start) tokens.push(line.subarray(start, at));
    start = at + 1;
  }
  if (start < line.length) tokens.push(line.subarray(start));
  return tokens;
}

const HEX = /^[0-9a-fA-F]{2}$/;

/** %XX escapes to the bytes they stand for; decodeURIComponent would insist on UTF-8. */
export function percentDecode(encoded: Buffer): Buffer {
  const bytes = Buffer.alloc(encoded.length);
  let length = 0;
  for (let i = 0; i < encoded.length; i++) {
    const byte = encoded[i] as number;
    const hex = byte === 0x25 ? encoded.subarray(i + 1, i + 3).toString("latin1") : "";
    if (HEX.test(hex)) {
      bytes[length++] = Number.parseInt(hex, 16);
      i += 2;
    } else {
      bytes[length++] = byte;
    }
  }
  return bytes.subarray(0, length);
}
