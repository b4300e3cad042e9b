/** A RESP2 reply as ioredis returns it with buffers and string numbers. */
export type RedisReply = Buffer | string | number | null | Error | RedisReply[];

export interface EncodeOptions {
  /** Base64 every string at every depth (`Upstash-Encoding: base64`). */
  base64: boolean;
}

/**
 * JSON text of a reply in Upstash's shapes: bulk and status strings are strings (base64 when
 * asked, `OK` included: the SDK decodes every string inside arrays), integers are JSON numbers
 * written digit for digit so values past 2^53 lose nothing on the wire, nil is null, arrays nest.
 * RESP2 already gives maps as flat arrays and doubles as strings.
 */
export function encodeReply(reply: RedisReply, options: EncodeOptions): string {
  if (reply === null || reply === undefined) return "null";
  if (Buffer.isBuffer(reply)) return JSON.stringify(options.base64 ? reply.toString("base64") : reply.toString("utf8"));
  if (typeof reply === "string") return integerText(reply);
  if (typeof reply === "number") return integerText(String(reply));
  if (Array.isArray(reply)) return `[${reply.map((item) => encodeReply(item, options)).join(",")}]`;
  // An error nested deeper than a transaction's own results (e.g. inside a script's table) has no
  // slot of its own in the protocol; its message stands in as a string.
  return encodeReply(Buffer.from(reply.message, "utf8"), options);
}

/** `{"result":…}` */
export function resultEntry(reply: RedisReply, options: EncodeOptions): string {
  return `{"result":${encodeReply(reply, options)}}`;
}

/** `{"error":"…"}`: error messages are never base64, the SDK reads them as they are. */
export function errorEntry(message: string): string {
  return JSON.stringify({ error: message });
}

function integerText(text: string): string {
  // With stringNumbers, ioredis hands integers over as text; anything else here is a bug.
  if (!/^-?\d+$/.test(text)) throw new TypeError(`not an integer reply: ${text}`);
  return text;
}
