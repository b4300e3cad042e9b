import { textOf } from "./bytes.js";
import { decodeByType, type ValueCodec } from "./codec.js";

/** A value as bytes, with the readings most callers want. */
export interface CachedValue {
  readonly value: Uint8Array;
  /** The value as UTF-8 text (invalid bytes become U+FFFD). */
  text(): string;
  /** The value parsed as JSON; throws SyntaxError when it is not. */
  json<T = unknown>(): T;
  /**
   * The value as its content type says: JSON parsed, the client's codec's type (e.g. MessagePack)
   * decoded, text as a string. Throws TypeError for any other type (read `value`).
   */
  decode<T = unknown>(): T;
}

export function cachedValue<T extends { contentType: string }>(
  value: Uint8Array,
  fields: T,
  codecs: readonly ValueCodec[],
): T & CachedValue {
  return {
    ...fields,
    value,
    text: () => textOf(value),
    json: <J>() => JSON.parse(textOf(value)) as J,
    decode: <J>() => decodeByType(value, fields.contentType, codecs) as J,
  };
}
