import { textOf, utf8 } from "./bytes.js";

/**
 * How a structured value (an object, array, number, boolean or null) becomes the bytes of an
 * entry and back. The service stores bytes and their content type as given, so a codec is the
 * client's alone: JSON unless the client is given another.
 */
export interface ValueCodec {
  /** What entries written with this codec are stored as, e.g. `application/msgpack`. */
  readonly contentType: string;
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

export const jsonCodec: ValueCodec = {
  contentType: "application/json",
  encode(value) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`edge-cache/client: a ${typeof value} has no JSON form`);
    return utf8(text);
  },
  decode: (bytes) => JSON.parse(textOf(bytes)),
};

/** What msgpackCodec needs of a MessagePack library: @msgpack/msgpack's `encode` and `decode` fit as they are. */
export interface MessagePackLibrary {
  encode(value: unknown): Uint8Array;
  decode(bytes: Uint8Array): unknown;
}

/**
 * MessagePack (`application/msgpack`) through the library the application brings, so the client
 * itself keeps no dependencies: `msgpackCodec({ encode, decode })` with `@msgpack/msgpack`.
 */
export function msgpackCodec(library: MessagePackLibrary): ValueCodec {
  return {
    contentType: "application/msgpack",
    encode: (value) => library.encode(value),
    decode: (bytes) => library.decode(bytes),
  };
}

/** Text, bytes and Blobs go as they are; anything else is a structured value for a codec. */
export type RawValue = string | Uint8Array | Blob;

export function isRawValue(value: unknown): value is RawValue {
  return typeof value === "string" || value instanceof Uint8Array || (typeof Blob !== "undefined" && value instanceof Blob);
}

/** The media type without parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
function mediaType(contentType: string): string {
  return (contentType.split(";", 1)[0] ?? "").trim().toLowerCase();
}

/**
 * An entry's value by its content type: JSON (`application/json`, `…+json`) parsed, the given
 * codecs' types decoded, text (`text/*`) as a string. Any other type throws: its bytes are `value`.
 */
export function decodeByType(bytes: Uint8Array, contentType: string, codecs: readonly ValueCodec[]): unknown {
  const type = mediaType(contentType);
  const codec = codecs.find((candidate) => mediaType(candidate.contentType) === type);
  if (codec) return codec.decode(bytes);
  if (type === "application/json" || type.endsWith("+json")) return jsonCodec.decode(bytes);
  if (type.startsWith("text/")) return textOf(bytes);
  throw new TypeError(`edge-cache/client: no codec for ${type || "an entry without a content type"}; read its bytes from \`value\``);
}
