import type { Entry } from "./entry";
import { decodePayload, encodePayload, PAYLOAD_ENCODINGS, type PayloadEncoding } from "./payload-codec";

/**
 * How an entry is laid out as one Redis string: a JSON header line, `\n`, then the payload.
 *
 *   {"v":7,"u":1,"ct":"text/plain","et":"\"ab…\"","c":…,"f":…,"s":…,"t":["a"],"e":"t"}\n<payload>
 *
 * The Upstash REST API carries UTF-8 JSON strings only, so the payload is the value itself when
 * it is valid UTF-8 and JSON-escaping it costs no more than base64 would (`e:"t"`), its base64
 * otherwise (`e:"b"`), or base64 of its gzip when that is smaller (`e:"z"`). The Lua scripts read
 * `v`, `u`, `t`, `c`, `n`, `s` and `d` from the header; `v` and `u` are written first and by the
 * script itself, so the header is sent without them. `n` is the writing isolate's write order,
 * which breaks ties between creation times (cache/upstash/entry-scripts.ts, set-entry). A delete's tombstone is a
 * header alone, `{"v":…,"u":1,"c":…,"n":…,"s":…,"d":1}\n`, and decodes as absent.
 */

interface Header {
  v: number;
  ct: string;
  et: string;
  c: number;
  f: number;
  s: number;
  t: string[];
  e: PayloadEncoding;
  /** Write order within the writing isolate; absent in entries written before it existed. */
  n?: number;
  /** Origin URL and validators, for entries filled from an origin. */
  o?: { u: string; et?: string; lm?: string };
}

export interface EncodedEntry {
  /** Header JSON without its opening `{"v":N,`; the set script prepends it. */
  headerTail: string;
  payload: string;
}

export interface CodecOptions {
  /** Values at least this large are gzipped when that makes them smaller. @default 1024 */
  compressionThresholdBytes: number;
}

export interface EncodeContext {
  /** The writing isolate's count of its writes, for ordering writes created in the same millisecond. @default 0 */
  order?: number;
}

export async function encodeEntry(entry: Entry, options: CodecOptions, context: EncodeContext = {}): Promise<EncodedEntry> {
  const { encoding, payload } = encodePayload(entry.value, options.compressionThresholdBytes);
  const header: Omit<Header, "v"> = {
    ct: entry.contentType,
    et: entry.etag,
    c: entry.createdAt,
    f: entry.freshUntil,
    s: entry.staleUntil,
    t: [...entry.tags],
    e: encoding,
    ...(context.order ? { n: context.order } : {}),
    ...(entry.origin ? { o: { u: entry.origin.url, et: entry.origin.etag, lm: entry.origin.lastModified } } : {}),
  };
  return { headerTail: JSON.stringify(header).slice(1), payload };
}

export class EntryCodecError extends Error {
  override name = "EntryCodecError";
}

/** What a Redis string under an entry key holds: an entry, or a delete's tombstone (absent). */
export type StoredValue = { kind: "entry"; entry: Entry } | { kind: "tombstone" };

/** Throws EntryCodecError for anything that is neither an entry nor a tombstone. */
export async function decodeStoredValue(raw: string): Promise<StoredValue> {
  const newline = raw.indexOf("\n");
  if (newline < 0) throw new EntryCodecError("edge-cache: stored entry has no header line");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.slice(0, newline));
  } catch {
    throw new EntryCodecError("edge-cache: stored entry header is not JSON");
  }
  if (parsed === null || typeof parsed !== "object") throw new EntryCodecError("edge-cache: stored entry header is not an object");
  if ((parsed as { d?: unknown }).d === 1) return { kind: "tombstone" };
  const header = parsed as Header;
  if (!isEntryHeader(header)) throw new EntryCodecError("edge-cache: stored entry header lacks a field or names an unknown encoding");
  let value: Uint8Array;
  try {
    value = decodePayload(raw.slice(newline + 1), header.e);
  } catch (error) {
    throw new EntryCodecError("edge-cache: stored entry payload does not decode", { cause: error });
  }
  return {
    kind: "entry",
    entry: {
      value,
      contentType: header.ct,
      etag: header.et,
      createdAt: header.c,
      freshUntil: header.f,
      staleUntil: header.s,
      tags: header.t,
      version: header.v,
      ...(header.o
        ? {
            origin: {
              url: header.o.u,
              ...(header.o.et ? { etag: header.o.et } : {}),
              ...(header.o.lm ? { lastModified: header.o.lm } : {}),
            },
          }
        : {}),
    },
  };
}

/** An entry; a tombstone, like anything unreadable, is an EntryCodecError here. */
export async function decodeEntry(raw: string): Promise<Entry> {
  const stored = await decodeStoredValue(raw);
  if (stored.kind === "tombstone") throw new EntryCodecError("edge-cache: stored value is a delete's tombstone, not an entry");
  return stored.entry;
}

function isEntryHeader(header: Header): boolean {
  return (
    typeof header.v === "number" &&
    typeof header.ct === "string" &&
    typeof header.et === "string" &&
    typeof header.c === "number" &&
    typeof header.f === "number" &&
    typeof header.s === "number" &&
    Array.isArray(header.t) &&
    PAYLOAD_ENCODINGS.includes(header.e)
  );
}
