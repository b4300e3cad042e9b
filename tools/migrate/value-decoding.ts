import { isUtf8 } from "node:buffer";
import { gunzip, hasGzipMagic, hasZlibHeader, type Inflated, inflateZlib } from "./compression-formats.ts";
import { msgpackToJson } from "./msgpack-json.ts";

export type ValueDecoder = "zlib" | "gzip" | "msgpack";

export interface DecodeOptions {
  /** A value that would decode to more than this is kept as it is (a decompression bomb, or far over any value limit). @default 64 MiB */
  maxDecodedBytes?: number;
}

export interface DecodedValue {
  /** The value to store: decoded, or the original bytes untouched. */
  bytes: Buffer;
  /** The decoders that applied, in order: "zlib", "zlib+msgpack"; undefined when none did. */
  decodedBy?: string;
  /** A decoder recognised its format but could not decode the value, which is kept as it was. */
  undecodable?: boolean;
  /** Why, naming the decoder ("gzip: unexpected end of file"). */
  undecodableReason?: string;
}

type Step = { kind: "decoded"; bytes: Buffer } | { kind: "not-this-format" } | { kind: "failed"; reason: string };

/**
 * Applies the `--decode` decoders in the given order, each to what the previous one produced and
 * only when the value is in its format, so `zlib,msgpack` reads compressed MessagePack and still
 * passes plain values through. A value is never dropped: if a decoder fails, the original is kept.
 */
export function decodeValue(bytes: Buffer, decoders: readonly ValueDecoder[], options: DecodeOptions = {}): DecodedValue {
  const maxBytes = options.maxDecodedBytes ?? 64 * 1024 * 1024;
  let current = bytes;
  const applied: ValueDecoder[] = [];
  for (const decoder of decoders) {
    const step = STEPS[decoder](current, maxBytes);
    if (step.kind === "not-this-format") continue;
    if (step.kind === "failed") return { bytes, undecodable: true, undecodableReason: `${decoder}: ${step.reason}` };
    current = step.bytes;
    applied.push(decoder);
  }
  return applied.length === 0 ? { bytes } : { bytes: current, decodedBy: applied.join("+") };
}

const STEPS: Record<ValueDecoder, (bytes: Buffer, maxBytes: number) => Step> = {
  zlib(bytes, maxBytes) {
    if (!hasZlibHeader(bytes)) return { kind: "not-this-format" };
    const inflated = inflateZlib(bytes, maxBytes);
    // Two header bytes are a weak sign: text that happens to begin with them is just text.
    if (!inflated.ok && isUtf8(bytes)) return { kind: "not-this-format" };
    return fromInflated(inflated);
  },
  gzip(bytes, maxBytes) {
    return hasGzipMagic(bytes) ? fromInflated(gunzip(bytes, maxBytes)) : { kind: "not-this-format" };
  },
  msgpack(bytes, maxBytes) {
    // Every ASCII byte is a valid MessagePack value (a fixint), so text is never taken for it.
    if (isUtf8(bytes)) return { kind: "not-this-format" };
    const decoded = msgpackToJson(bytes);
    if (decoded.kind === "not-msgpack") return { kind: "not-this-format" };
    if (decoded.kind === "no-json-form") return { kind: "failed", reason: decoded.reason };
    if (decoded.bytes.byteLength > maxBytes) return { kind: "failed", reason: `its JSON is more than ${maxBytes} bytes` };
    return { kind: "decoded", bytes: decoded.bytes };
  },
};

function fromInflated(inflated: Inflated): Step {
  return inflated.ok ? { kind: "decoded", bytes: inflated.bytes } : { kind: "failed", reason: inflated.reason };
}
