import { gunzipSync } from "node:zlib";

/**
 * Reads an entry as edge-cache lays it out in Redis (shared/cache/codec.ts, documented in the
 * README): one JSON header line, `\n`, then the payload as text (`e:"t"`), base64 (`e:"b"`) or
 * base64 of its gzip (`e:"z"`). A delete leaves a tombstone under the key (a header with `"d":1`
 * and no payload), which is no entry: it reads as absent. Written here rather than imported:
 * shared/ is compiled for workerd and does not type-check under the Node project's module settings.
 */

export interface StoredEntry {
  version: number;
  contentType: string;
  createdAt: number;
  freshUntil: number;
  staleUntil: number;
  tags: string[];
  value: Buffer;
}

interface Header {
  v: number;
  /** 1 on a delete's tombstone. */
  d?: number;
  ct: string;
  c: number;
  f: number;
  s: number;
  t: string[];
  e: "t" | "b" | "z";
}

/** The entry Redis holds, or undefined for a tombstone (the key reads as absent). Throws on anything else. */
export function decodeStoredEntry(raw: Buffer): StoredEntry | undefined {
  const newline = raw.indexOf(0x0a);
  if (newline < 0) throw new Error("chaos: stored entry has no header line");
  const header = JSON.parse(raw.subarray(0, newline).toString("utf8")) as Header | null;
  if (header === null || typeof header !== "object") throw new Error("chaos: stored entry header is not an object");
  if (header.d === 1) return undefined;
  const payload = raw.subarray(newline + 1);
  let value: Buffer;
  switch (header.e) {
    case "t":
      value = payload;
      break;
    case "b":
      value = Buffer.from(payload.toString("latin1"), "base64");
      break;
    case "z":
      value = gunzipSync(Buffer.from(payload.toString("latin1"), "base64"));
      break;
    default:
      throw new Error(`chaos: unknown payload encoding ${JSON.stringify(header.e)}`);
  }
  return {
    version: header.v,
    contentType: header.ct,
    createdAt: header.c,
    freshUntil: header.f,
    staleUntil: header.s,
    tags: header.t,
    value,
  };
}
