/**
 * A hash read back as field/value pairs. HGETALL answers a flat array (RESP2, as Upstash does),
 * the SDK may hand it over as an object, and a missing hash is null; a ZRANGE WITHSCORES reply
 * is the same flat shape.
 */
export function replyPairs(reply: unknown): [string, unknown][] {
  if (Array.isArray(reply)) {
    const pairs: [string, unknown][] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) pairs.push([String(reply[i]), reply[i + 1]]);
    return pairs;
  }
  return reply !== null && typeof reply === "object" ? Object.entries(reply) : [];
}
