import { isUtf8 } from "node:buffer";
import { Decoder, type DecoderOptions, ExtData } from "@msgpack/msgpack";

/** MessagePack that decoded but has no faithful JSON form (a number key, NaN, an extension type). */
export class MsgpackJsonError extends Error {
  override readonly name = "MsgpackJsonError";
}

export type MsgpackDecoding = { kind: "json"; bytes: Buffer } | { kind: "not-msgpack" } | { kind: "no-json-form"; reason: string };

const MAX_DEPTH = 1000;

/**
 * Decodes a whole buffer of MessagePack into JSON text. JSON has no bytes, so `bin` becomes a
 * base64 string; a timestamp becomes an ISO 8601 string; 64-bit integers keep every digit.
 */
export function msgpackToJson(bytes: Uint8Array): MsgpackDecoding {
  // The library decodes bad UTF-8 into other characters without a word. So the value is decoded
  // twice: once to tell `str` from `bin`, once with every `str` left as bytes to check and decode
  // here. Map keys are always decoded as text; a key decoder that checks them covers those.
  const problems = new Problems();
  const options = { useBigInt64: true, keyDecoder: strictKeys(problems), mapKeyConverter: (key: unknown) => problems.key(key) };
  let typed: unknown;
  let raw: unknown;
  try {
    // decode() refuses trailing bytes, so a value that merely starts like MessagePack is not taken for it.
    typed = new Decoder(options).decode(bytes);
    raw = new Decoder({ ...options, rawStrings: true }).decode(bytes);
  } catch {
    return { kind: "not-msgpack" };
  }
  if (problems.first !== undefined) return { kind: "no-json-form", reason: problems.first };
  try {
    return { kind: "json", bytes: Buffer.from(toJson(typed, raw, 0), "utf8") };
  } catch (error) {
    if (error instanceof MsgpackJsonError) return { kind: "no-json-form", reason: error.message };
    throw error;
  }
}

/**
 * Refusing a key while decoding would make any binary value that begins like a map look like
 * broken MessagePack; the problem is noted, decoding goes on, and the value is refused only if
 * all of it decodes.
 */
class Problems {
  first: string | undefined;

  note(problem: string): void {
    this.first ??= problem;
  }

  key(key: unknown): string {
    if (typeof key === "string") return key;
    this.note(`a map key is ${describe(key)}; JSON keys are strings`);
    return "";
  }
}

function strictKeys(problems: Problems): DecoderOptions["keyDecoder"] {
  return {
    canBeCached: () => true,
    decode(bytes, offset, length) {
      const key = bytes.subarray(offset, offset + length);
      if (isUtf8(key)) return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("utf8");
      problems.note("a map key is not well-formed UTF-8");
      return "";
    },
  };
}

/** `typed` and `raw` are one value decoded twice; they differ only where `raw` holds a `str` as bytes. */
function toJson(typed: unknown, raw: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new MsgpackJsonError(`it nests more than ${MAX_DEPTH} deep`);
  if (typed === null || typeof typed === "boolean") return String(typed);
  if (typeof typed === "bigint") return typed.toString();
  if (typeof typed === "number") {
    if (!Number.isFinite(typed)) throw new MsgpackJsonError(`it holds the number ${typed}, which JSON cannot write`);
    return JSON.stringify(typed);
  }
  if (typeof typed === "string") {
    const bytes = raw as Uint8Array;
    if (!isUtf8(bytes)) throw new MsgpackJsonError("a string is not well-formed UTF-8");
    return JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"));
  }
  if (typed instanceof Uint8Array) return JSON.stringify(Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength).toString("base64"));
  if (typed instanceof Date) {
    if (Number.isNaN(typed.getTime())) throw new MsgpackJsonError("it holds a timestamp out of JavaScript's date range");
    return JSON.stringify(typed.toISOString());
  }
  if (Array.isArray(typed)) {
    const rawItems = raw as unknown[];
    return `[${typed.map((item, index) => toJson(item, rawItems[index], depth + 1)).join(",")}]`;
  }
  if (Object.getPrototypeOf(typed) === Object.prototype) {
    const rawFields = raw as Record<string, unknown>;
    const fields = Object.entries(typed as Record<string, unknown>);
    return `{${fields.map(([key, item]) => `${JSON.stringify(key)}:${toJson(item, rawFields[key], depth + 1)}`).join(",")}}`;
  }
  throw new MsgpackJsonError(`it holds ${describe(typed)}, which has no JSON form`);
}

function describe(value: unknown): string {
  if (value === null) return "nil";
  if (value instanceof Uint8Array) return "binary";
  if (value instanceof ExtData) return `extension type ${value.type}`;
  if (value instanceof Date) return "a timestamp";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "a map";
  return `a ${typeof value}`;
}
