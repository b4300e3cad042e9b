import { gunzipSync, gzipSync } from "node:zlib";
import { fromBase64, toBase64, tryDecodeUtf8 } from "../encoding";

/**
 * An entry's value as the payload of its Redis string (codec.ts): the text itself (`t`), base64
 * (`b`), or base64 of its gzip (`z`). The Upstash REST API carries UTF-8 JSON strings only.
 */
export type PayloadEncoding = "t" | "b" | "z";

export const PAYLOAD_ENCODINGS: readonly PayloadEncoding[] = ["t", "b", "z"];

const encoder = new TextEncoder();

/** Text while that costs no more on the wire than base64; gzip at the threshold when that is smaller. */
export function encodePayload(value: Uint8Array, compressionThresholdBytes: number): { encoding: PayloadEncoding; payload: string } {
  const text = escapesCheaplyInJson(value) ? tryDecodeUtf8(value) : undefined;
  const plain = text === undefined ? { encoding: "b" as const, payload: toBase64(value) } : { encoding: "t" as const, payload: text };
  if (value.byteLength < compressionThresholdBytes || !compressesInSample(value)) return plain;
  const compressed = toBase64(gzip(value));
  // Text is stored as UTF-8 bytes: compare in the units Redis will hold.
  const plainBytes = plain.encoding === "t" ? value.byteLength : plain.payload.length;
  return compressed.length < plainBytes ? { encoding: "z", payload: compressed } : plain;
}

/** Throws on a payload that is not what its encoding says (bad base64, bad gzip). */
export function decodePayload(payload: string, encoding: PayloadEncoding): Uint8Array {
  switch (encoding) {
    case "t":
      return encoder.encode(payload);
    case "b":
      return fromBase64(payload);
    case "z":
      return gunzip(fromBase64(payload));
  }
}

/**
 * Whether the value, sent as a JSON string (as the SDK sends it), is no larger than its base64:
 * `"`, `\` and the control characters with a short escape take 2 bytes, other control characters
 * 6 (`\u00XX`). Without this, a value of control bytes would travel 6 times its size, and a
 * request's size could not be bounded by ~4/3 of its values (env.ts, MAX_VALUE_BYTES). One pass
 * over the bytes, stopping as soon as the answer is no: UTF-8 continuation bytes are all above
 * 0x7f, so a byte never needs to be decoded to be judged.
 */
export function escapesCheaplyInJson(value: Uint8Array): boolean {
  const allowance = Math.ceil(value.byteLength / 3) * 4 - value.byteLength;
  let extra = 0;
  for (let i = 0; i < value.byteLength; i++) {
    const byte = value[i] as number;
    if (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c) continue;
    // \b \t \n \f \r, like " and \, escape in two bytes; other control characters in six.
    extra += byte >= 0x20 || (byte >= 0x08 && byte <= 0x0d && byte !== 0x0b) ? 1 : 5;
    if (extra > allowance) return false;
  }
  return true;
}

// Past this size a value's gzip is tried on a sample first: gzipping a MiB that does not compress
// (an image, a ciphertext) costs ~20 ms of the isolate every tenant shares, for nothing.
const SAMPLED_FROM_BYTES = 64 * 1024;
const SAMPLE_BYTES = 8 * 1024;

/** Whether the value's first bytes shrink by a tenth or more under gzip (always true for small values). */
function compressesInSample(value: Uint8Array): boolean {
  if (value.byteLength < SAMPLED_FROM_BYTES) return true;
  return gzipSync(value.subarray(0, SAMPLE_BYTES)).byteLength < SAMPLE_BYTES * 0.9;
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
