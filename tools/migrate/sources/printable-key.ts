import { isUtf8 } from "node:buffer";

/**
 * A key for a message: quoted, with control characters (and, in a key that is not UTF-8, every
 * byte past ASCII) shown as `\xNN`, so a binary key neither garbles a terminal nor hides which
 * key it was.
 */
export function printableKey(key: Buffer): string {
  const utf8 = isUtf8(key);
  let result = "";
  for (const char of utf8 ? key.toString("utf8") : key.toString("latin1")) {
    const code = char.codePointAt(0) as number;
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (char === '"' || char === "\\") result += `\\${char}`;
    else if (control || (!utf8 && code >= 0x80)) result += `\\x${code.toString(16).padStart(2, "0")}`;
    else result += char;
  }
  return `"${result}"`;
}
