import { gunzipSync, gzipSync } from "node:zlib";
import { fromBase64, toBase64, tryDecodeUtf8 } from "../encoding";
import type { Entry } from "./entry";

/**
 * How an entry is laid out as one Redis string: a JSON header line, `\n`, then the payload.
 *
 *   {"v":7,"ct":"text/plain","et":"\"ab…\"","c":…,"f":…,"s":…,"t":["a"],"e":"t"}\n<payload>
 *
 * The Upstash REST API carries UTF-8 JSON strings only, so the payload is the value itself when
 * it is valid UTF-8 (`e:"t"`), its base64 otherwise (`e:"b"`), or base64 of its gzip when that
 * is smaller (`e:"z"`). The Lua scripts read `v`, `t`, `c` and `n` from the header; `v` is
 * written first and by the script itself, so the header is sent without it. `n` is the writing
 * isolate's write order, which breaks ties between creation times (lua-scripts.ts, set-entry).
 */

type PayloadEncoding = "t" | "b" | "z";

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

const encoder = new TextEncoder();

export interface EncodeContext {
  /** The writing isolate's count of its writes, for ordering writes created in the same millisecond. @default 0 */
  order?: number;
}

export async function encodeEntry(entry: Entry, options: CodecOptions, context: EncodeContext = {}): Promise<EncodedEntry> {
  const { encoding, payload } = await encodePayload(entry.value, options);
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

export async function decodeEntry(raw: string): Promise<Entry> {
  const newline = raw.indexOf("\n");
  if (newline < 0) throw new EntryCodecError("edge-cache: stored entry has no header line");
  let header: Header;
  try {
    header = JSON.parse(raw.slice(0, newline)) as Header;
  } catch {
    throw new EntryCodecError("edge-cache: stored entry header is not JSON");
  }
  const value = await decodePayload(raw.slice(newline + 1), header.e);
  return {
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
          origin: { url: header.o.u, ...(header.o.et ? { etag: header.o.et } : {}), ...(header.o.lm ? { lastModified: header.o.lm } : {}) },
        }
      : {}),
  };
}

async function encodePayload(value: Uint8Array, options: CodecOptions): Promise<{ encoding: PayloadEncoding; payload: string }> {
  const text = tryDecodeUtf8(value);
  const plain = text === undefined ? { encoding: "b" as const, payload: toBase64(value) } : { encoding: "t" as const, payload: text };
  if (value.byteLength < options.compressionThresholdBytes) return plain;
  const compressed = toBase64(gzip(value));
  // Text is stored as UTF-8 bytes: compare in the units Redis will hold.
  const plainBytes = plain.encoding === "t" ? value.byteLength : plain.payload.length;
  return compressed.length < plainBytes ? { encoding: "z", payload: compressed } : plain;
}

async function decodePayload(payload: string, encoding: PayloadEncoding): Promise<Uint8Array> {
  switch (encoding) {
    case "t":
      return encoder.encode(payload);
    case "b":
      return fromBase64(payload);
    case "z":
      return gunzip(fromBase64(payload));
    default:
      throw new EntryCodecError(`edge-cache: unknown payload encoding ${JSON.stringify(encoding)}`);
  }
}

// node:zlib's synchronous calls, not CompressionStream: for the small values a cache mostly holds,
// piping through a stream and two Responses cost ~75 µs per call in workerd, zlib itself ~5-10.
function gzip(value: Uint8Array): Uint8Array {
  return plainBytes(gzipSync(value));
}

function gunzip(value: Uint8Array): Uint8Array {
  return plainBytes(gunzipSync(value));
}

// zlib answers with a Buffer, which may be a view into a larger output chunk. A plain Uint8Array
// over the same memory when it is not; a copy of exactly its bytes when it is, so an L1 entry
// never keeps a larger buffer alive than its byte accounting says.
function plainBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
    return new Uint8Array(bytes.buffer, 0, bytes.byteLength);
  }
  return new Uint8Array(bytes);
}
