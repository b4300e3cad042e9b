import type { TemplatePart } from "./template-parser.ts";

/**
 * Matches a key against template parts with the result a backtracking regex would give
 * (`^lit(.+?)lit(.+)…$`, the greedy group being {key}), without its cost: such a regex takes
 * seconds on a key of a thousand colons with four captures, and one hostile key would stall a
 * migration. Here each part first learns, right to left, from which positions the rest of the
 * template can still match; the left-to-right walk then takes, for each capture, the shortest
 * (lazy) or longest (greedy) end from which the rest matches, which is the regex's first success.
 * Time and memory are linear in the key's length times the number of parts.
 *
 * Returns the captured values in template order, or undefined when the key does not match.
 */
export function matchTemplateParts(parts: readonly TemplatePart[], greedyCapture: string, key: string): string[] | undefined {
  const length = key.length;
  const reachable = reachability(parts, key);
  if (reachable[0]?.[0] !== 1) return undefined;
  const values: string[] = [];
  let position = 0;
  for (const [index, part] of parts.entries()) {
    if (part.kind === "literal") {
      position += part.text.length;
      continue;
    }
    const rest = reachable[index + 1] as Uint8Array;
    const ends = (end: number) => rest[end] === 1 && isBoundary(key, end);
    let end = -1;
    if (part.name === greedyCapture) {
      for (let candidate = length; candidate > position && end === -1; candidate--) if (ends(candidate)) end = candidate;
    } else {
      for (let candidate = position + 1; candidate <= length && end === -1; candidate++) if (ends(candidate)) end = candidate;
    }
    values.push(key.slice(position, end));
    position = end;
  }
  return values;
}

/** reachable[i][p] is 1 when parts i… match exactly key[p…]. */
function reachability(parts: readonly TemplatePart[], key: string): Uint8Array[] {
  const length = key.length;
  const reachable: Uint8Array[] = new Array(parts.length + 1);
  let next = new Uint8Array(length + 1);
  next[length] = 1;
  reachable[parts.length] = next;
  for (let index = parts.length - 1; index >= 0; index--) {
    const part = parts[index] as TemplatePart;
    const here = new Uint8Array(length + 1);
    if (part.kind === "literal") {
      const size = part.text.length;
      for (let start = 0; start + size <= length; start++) {
        if (next[start + size] === 1 && key.startsWith(part.text, start)) here[start] = 1;
      }
    } else {
      // A capture takes one or more characters: from p it can end at any boundary after p.
      let anyEnd = 0;
      for (let start = length - 1; start >= 0; start--) {
        if (next[start + 1] === 1 && isBoundary(key, start + 1)) anyEnd = 1;
        here[start] = anyEnd;
      }
    }
    reachable[index] = here;
    next = here;
  }
  return reachable;
}

/** A capture never ends between the two halves of a surrogate pair (a regex with the `u` flag would not). */
function isBoundary(key: string, position: number): boolean {
  if (position === 0 || position === key.length) return true;
  const before = key.charCodeAt(position - 1);
  const after = key.charCodeAt(position);
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}
