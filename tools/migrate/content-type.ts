import { isUtf8 } from "node:buffer";
import { hasGzipMagic, hasZlibHeader, inflateZlib } from "./compression-formats.ts";

/** pymemcache's flag for a pickled value; protocol 0 and 1 pickles are ASCII, so only the flag tells. */
const PICKLE_FLAG = 1;
/** Enough inflated output to trust the header: a stream that valid that far is zlib. */
const ZLIB_PROBE_BYTES = 64 * 1024;

/**
 * The content type of a legacy value whose cache never recorded one: JSON, a Python pickle
 * (protocol 2-5 start with PROTO 0x80 and the protocol byte), gzip, zlib, UTF-8 text, else bytes.
 * `flags` are Memcached's client flags, when the value came from Memcached.
 */
export function detectContentType(bytes: Buffer, flags?: number): string {
  if (isJson(bytes)) return "application/json";
  if ((flags !== undefined && (flags & PICKLE_FLAG) !== 0) || (bytes[0] === 0x80 && (bytes[1] ?? 0) >= 2 && (bytes[1] ?? 0) <= 5)) {
    return "application/x-python-pickle";
  }
  if (hasGzipMagic(bytes)) return "application/gzip";
  if (hasZlibHeader(bytes) && inflatesAsZlib(bytes)) return "application/zlib";
  if (isText(bytes)) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

const JSON_WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
/** `{ [ "`, digits, `-`, and the t f n of true, false, null. */
const JSON_START = new Set([0x7b, 0x5b, 0x22, 0x2d, 0x74, 0x66, 0x6e, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);

/** The first byte rules out most values before the cost of a parse. */
function isJson(bytes: Buffer): boolean {
  let first = 0;
  while (first < bytes.length && JSON_WHITESPACE.has(bytes[first] as number)) first++;
  if (!JSON_START.has(bytes[first] ?? -1) || !isUtf8(bytes)) return false;
  try {
    JSON.parse(bytes.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

function inflatesAsZlib(bytes: Buffer): boolean {
  const inflated = inflateZlib(bytes, ZLIB_PROBE_BYTES);
  return inflated.ok || inflated.tooLarge;
}

/** Well-formed UTF-8 with no control character but tab, line feed and carriage return (C0, DEL and C1 count). */
function isText(bytes: Buffer): boolean {
  if (!isUtf8(bytes)) return false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index] as number;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
    if (byte === 0x7f) return false;
    // C1 controls U+0080-U+009F are encoded as C2 80 … C2 9F.
    if (byte === 0xc2 && (bytes[index + 1] as number) <= 0x9f) return false;
  }
  return true;
}
