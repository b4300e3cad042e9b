import { printableKey } from "./sources/printable-key.ts";

/** Bytes of a key a report shows: Redis keys may be megabytes, and a report holds twenty of them. */
const SHOWN_BYTES = 200;

/** A key for a report: quoted and escaped (binary shows as \xNN), cut to its first 200 bytes. */
export function reportKey(key: Buffer | string): string {
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : key;
  if (bytes.length <= SHOWN_BYTES) return printableKey(bytes);
  let cut = SHOWN_BYTES;
  // Back off to a character boundary, so a cut UTF-8 key still prints as text.
  while (cut > 0 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  return `${printableKey(bytes.subarray(0, cut))}… (${bytes.length} bytes)`;
}
