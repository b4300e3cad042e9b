/**
 * Whether a key matches a Redis glob pattern (SCAN MATCH's syntax: `*`, `?`, `[abc]`, `[^a]`,
 * `[a-z]`, `\` escapes), compared byte for byte: follow sees every key of the database and must
 * keep to the keys the copy was given.
 */
export function globMatches(pattern: Buffer, key: Buffer): boolean {
  return matchAt(pattern, 0, key, 0);
}

function matchAt(pattern: Buffer, p: number, key: Buffer, k: number): boolean {
  while (p < pattern.length) {
    const c = pattern[p] as number;
    if (c === 0x2a /* * */) {
      while (pattern[p + 1] === 0x2a) p++;
      if (p + 1 === pattern.length) return true;
      for (let from = k; from <= key.length; from++) if (matchAt(pattern, p + 1, key, from)) return true;
      return false;
    }
    if (k >= key.length) return false;
    if (c === 0x3f /* ? */) {
      p++;
      k++;
      continue;
    }
    if (c === 0x5b /* [ */) {
      const end = classEnd(pattern, p);
      if (end !== -1) {
        if (!classMatches(pattern, p + 1, end, key[k] as number)) return false;
        p = end + 1;
        k++;
        continue;
      }
    }
    const literal = c === 0x5c /* \ */ && p + 1 < pattern.length ? (pattern[++p] as number) : c;
    if (literal !== key[k]) return false;
    p++;
    k++;
  }
  return k === key.length;
}

/** The index of the `]` closing the class opened at `open`, or -1 (then `[` is a literal). */
function classEnd(pattern: Buffer, open: number): number {
  let i = open + 1;
  if (pattern[i] === 0x5e /* ^ */) i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === 0x5c) i++;
    else if (pattern[i] === 0x5d) return i;
  }
  return -1;
}

function classMatches(pattern: Buffer, from: number, end: number, byte: number): boolean {
  const negated = pattern[from] === 0x5e;
  let matched = false;
  for (let i = negated ? from + 1 : from; i < end; i++) {
    let low = pattern[i] as number;
    if (low === 0x5c && i + 1 < end) low = pattern[++i] as number;
    if (pattern[i + 1] === 0x2d /* - */ && i + 2 < end) {
      let high = pattern[i + 2] as number;
      i += 2;
      if (high === 0x5c && i + 1 < end) high = pattern[++i] as number;
      if (byte >= Math.min(low, high) && byte <= Math.max(low, high)) matched = true;
    } else if (byte === low) matched = true;
  }
  return matched !== negated;
}
