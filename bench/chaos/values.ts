/**
 * Every value the chaos run writes names its writer: tenant, key and sequence number, then filler
 * derived from that header. A value read under another tenant or key, an unknown sequence, or a
 * single byte out of place is therefore detectable from the bytes alone.
 *
 *   ecv1|<tenant>|<t|b>|<seq>|<length>|<key, percent-encoded>|<filler…>
 *
 * `t` values are ASCII text (stored as text in Redis, or gzip when smaller); `b` values carry
 * bytes that are not UTF-8 (stored as base64, or gzip). The filler repeats a block of at most
 * `periodBytes`, so large values can be made compressible on purpose.
 */

export interface ValueIdentity {
  tenant: string;
  key: string;
  seq: number;
  binary: boolean;
  /** Total bytes of the value, header included. */
  length: number;
}

export type ParsedValue = { ok: true; identity: ValueIdentity } | { ok: false; problem: string };

const MAGIC = "ecv1";
const TEXT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function headerOf(identity: ValueIdentity): string {
  const mode = identity.binary ? "b" : "t";
  return `${MAGIC}|${identity.tenant}|${mode}|${identity.seq}|${identity.length}|${encodeURIComponent(identity.key)}|`;
}

/** The smallest `length` a value of this identity can have. */
export function minimumLength(identity: Omit<ValueIdentity, "length">): number {
  return headerOf({ ...identity, length: 9_999_999 }).length;
}

/** FNV-1a, then mulberry32: a cheap deterministic stream seeded by the header. */
function fillerBlock(header: string, bytes: number, binary: boolean): Uint8Array {
  let seed = 0x811c9dc5;
  for (let i = 0; i < header.length; i++) seed = Math.imul(seed ^ header.charCodeAt(i), 0x01000193) >>> 0;
  const block = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const random = (t ^ (t >>> 14)) >>> 0;
    // 0x80-0xff alone is never valid UTF-8, so a binary value cannot be mistaken for text.
    block[i] = binary ? 0x80 | (random & 0x7f) : TEXT_ALPHABET.charCodeAt(random & 63);
  }
  return block;
}

export interface MakeValueOptions {
  /** The filler repeats every this many bytes. @default the whole value (no repetition) */
  periodBytes?: number;
}

export function makeValue(identity: ValueIdentity, options: MakeValueOptions = {}): Uint8Array<ArrayBuffer> {
  const header = encoder.encode(headerOf(identity));
  if (identity.length < header.byteLength) throw new RangeError(`chaos value: ${identity.length} bytes cannot hold its header`);
  const value = new Uint8Array(identity.length);
  value.set(header);
  const fillerBytes = identity.length - header.byteLength;
  const period = Math.max(1, Math.min(options.periodBytes ?? fillerBytes, fillerBytes));
  const block = fillerBlock(headerOf(identity), period, identity.binary);
  for (let offset = header.byteLength; offset < identity.length; offset += period) {
    value.set(block.subarray(0, Math.min(period, identity.length - offset)), offset);
  }
  return value;
}

/** Reads the identity back and checks every byte against what that identity must look like. */
export function parseValue(bytes: Uint8Array, options: MakeValueOptions = {}): ParsedValue {
  const prefix = decoder.decode(bytes.subarray(0, Math.min(bytes.byteLength, 1200)));
  const fields = prefix.split("|");
  if (fields.length < 7 || fields[0] !== MAGIC) return { ok: false, problem: "not a chaos value" };
  const [, tenant, mode, seqText, lengthText, encodedKey] = fields as [string, string, string, string, string, string];
  const seq = Number(seqText);
  const length = Number(lengthText);
  if ((mode !== "t" && mode !== "b") || !Number.isSafeInteger(seq) || !Number.isSafeInteger(length)) {
    return { ok: false, problem: "malformed header" };
  }
  let key: string;
  try {
    key = decodeURIComponent(encodedKey);
  } catch {
    return { ok: false, problem: "malformed key in header" };
  }
  const identity: ValueIdentity = { tenant, key, seq, binary: mode === "b", length };
  if (bytes.byteLength !== length) return { ok: false, problem: `length ${bytes.byteLength}, header says ${length}` };
  if (Buffer.compare(bytes, makeValue(identity, options)) !== 0) return { ok: false, problem: "bytes differ from what the header implies" };
  return { ok: true, identity };
}
