import { textOf } from "./bytes.js";

/** A value as bytes, with the readings most callers want. */
export interface CachedValue {
  readonly value: Uint8Array;
  /** The value as UTF-8 text (invalid bytes become U+FFFD). */
  text(): string;
  /** The value parsed as JSON; throws SyntaxError when it is not. */
  json<T = unknown>(): T;
}

export function cachedValue<T extends object>(value: Uint8Array, fields: T): T & CachedValue {
  return {
    ...fields,
    value,
    text: () => textOf(value),
    json: <J>() => JSON.parse(textOf(value)) as J,
  };
}
