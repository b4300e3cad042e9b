import type { RedisCommand } from "./redis-client";

/**
 * The size of what the SDK sends, known before it is sent. The SDK POSTs a pipeline as
 * `JSON.stringify(commands)`, each command an array of strings and numbers (@upstash/redis
 * pkg/commands/*.ts, pkg/pipeline.ts); Upstash refuses a body over its request limit, and a
 * refusal after the fact would look like Redis failing.
 */

/** One command as the SDK puts it on the wire. */
export type WireCommand = readonly (string | number)[];

/** The array the SDK builds for a command (test/shared/redis/request-size.test.ts pins it to the SDK's own). */
export function wireCommand(command: RedisCommand): WireCommand {
  switch (command.op) {
    case "evalsha":
      return ["evalsha", command.sha, command.keys.length, ...command.keys, ...command.args];
    case "eval":
      return ["eval", command.script, command.keys.length, ...command.keys, ...command.args];
    case "del":
      return ["del", ...command.keys];
    case "hgetall":
      return ["hgetall", command.key];
    case "hget":
      return ["hget", command.key, command.field];
    case "hset":
      return ["hset", command.key, ...Object.entries(command.fields).flat()];
    case "hsetnx":
      return ["hsetnx", command.key, command.field, command.value];
    case "hvals":
      return ["hvals", command.key];
    case "scan":
      return ["scan", command.cursor, ...(command.match ? ["match", command.match] : []), "count", command.count];
    case "ping":
      return ["ping"];
  }
}

// JSON.stringify writes a UTF-16 unit as at most 6 bytes (`\u001f`, or `\udc00` for a lone
// surrogate); unescaped, a unit is 1 to 3 bytes of UTF-8 (a surrogate pair is 4 for 2 units).
const MAX_BYTES_PER_UNIT = 6;

/**
 * The exact size of the request when it is over `limitBytes`, otherwise undefined. Lengths alone
 * decide unless the request is within 6× of the limit: only then are its characters counted.
 */
export function oversizedRequestBytes(commands: readonly WireCommand[], limitBytes: number): number | undefined {
  let fixed = commands.length + 1; // brackets and commas between commands
  let units = 0;
  for (const command of commands) {
    fixed += Math.max(2, command.length + 1); // brackets and commas between parts
    for (const part of command) {
      if (typeof part === "string") {
        fixed += 2;
        units += part.length;
      } else {
        fixed += numberBytes(part);
      }
    }
  }
  if (fixed + MAX_BYTES_PER_UNIT * units <= limitBytes) return undefined;
  const bytes = requestBytes(commands);
  return bytes > limitBytes ? bytes : undefined;
}

/** The exact UTF-8 size of `JSON.stringify(commands)`. */
export function requestBytes(commands: readonly WireCommand[]): number {
  let bytes = commands.length + 1;
  for (const command of commands) bytes += commandBytes(command);
  return commands.length === 0 ? 2 : bytes;
}

/** The exact UTF-8 size of `JSON.stringify(command)`. */
export function commandBytes(command: WireCommand): number {
  let bytes = command.length === 0 ? 2 : command.length + 1;
  for (const part of command) bytes += typeof part === "string" ? jsonStringBytes(part) : numberBytes(part);
  return bytes;
}

// Printable ASCII other than `"` and `\`: one byte each, nothing escaped. Most values (base64,
// plain text, keys) are only these, and a regex test is far cheaper than a loop in JavaScript.
const NEEDS_COUNTING = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

function jsonStringBytes(text: string): number {
  if (!NEEDS_COUNTING.test(text)) return text.length + 2;
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x20) bytes += unit === 0x08 || unit === 0x09 || unit === 0x0a || unit === 0x0c || unit === 0x0d ? 2 : 6;
    else if (unit === 0x22 || unit === 0x5c) bytes += 2;
    else if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function numberBytes(value: number): number {
  return Number.isFinite(value) ? String(value).length : 4; // JSON writes NaN and Infinity as null
}
