import { isUtf8 } from "node:buffer";

/** The Redis structures `--convert json` turns into one JSON value. */
export type ConvertibleType = "hash" | "list" | "set" | "zset";

/** The structure as JSON bytes, or why it cannot be. */
export type ConvertedStructure = { value: Buffer } | { skipReason: string };

/**
 * The JSON for a structure, from its RESP2 reply: HGETALL (field, value, …) → an object; LRANGE →
 * an array in list order; SMEMBERS → an array; ZRANGE … WITHSCORES (member, score, …) → an array of
 * `[member, score]` in rank order. Hash fields and set members come in an order Redis does not
 * promise, so they are sorted by their bytes: reading the same structure twice (a copy, then a
 * verify) gives the same bytes. JSON strings hold text only, so a structure with any string that
 * is not well-formed UTF-8 is skipped rather than copied with replacement characters.
 */
export function structureToJson(type: ConvertibleType, reply: readonly Buffer[]): ConvertedStructure {
  switch (type) {
    case "hash":
      return hashToJson(reply);
    case "list":
      return allUtf8(reply) ? json(`[${reply.map(quote).join(",")}]`) : { skipReason: "list elements are not UTF-8" };
    case "set":
      return allUtf8(reply)
        ? json(`[${[...reply].sort(Buffer.compare).map(quote).join(",")}]`)
        : { skipReason: "set members are not UTF-8" };
    case "zset":
      return zsetToJson(reply);
  }
}

function hashToJson(reply: readonly Buffer[]): ConvertedStructure {
  if (!allUtf8(reply)) return { skipReason: "hash fields or values are not UTF-8" };
  const entries = pairs(reply).sort(([a], [b]) => Buffer.compare(a, b));
  // Written out rather than through an object: JSON.stringify would move integer-like fields
  // ahead of the others, and a "__proto__" field would set the prototype instead of a property.
  return json(`{${entries.map(([field, value]) => `${quote(field)}:${quote(value)}`).join(",")}}`);
}

function zsetToJson(reply: readonly Buffer[]): ConvertedStructure {
  const entries = pairs(reply);
  if (!allUtf8(entries.map(([member]) => member))) return { skipReason: "zset members are not UTF-8" };
  const items: string[] = [];
  for (const [member, scoreText] of entries) {
    // Redis sends scores as text: "inf" and "-inf" are valid scores that JSON cannot hold.
    const score = Number(scoreText.toString("latin1"));
    if (!Number.isFinite(score)) return { skipReason: "zset scores include inf or -inf, which JSON cannot hold" };
    items.push(`[${quote(member)},${JSON.stringify(score)}]`);
  }
  return json(`[${items.join(",")}]`);
}

function pairs(reply: readonly Buffer[]): [Buffer, Buffer][] {
  const result: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < reply.length; i += 2) result.push([reply[i] as Buffer, reply[i + 1] as Buffer]);
  return result;
}

function allUtf8(items: readonly Buffer[]): boolean {
  return items.every((item) => isUtf8(item));
}

function quote(item: Buffer): string {
  return JSON.stringify(item.toString("utf8"));
}

function json(text: string): { value: Buffer } {
  return { value: Buffer.from(text, "utf8") };
}
