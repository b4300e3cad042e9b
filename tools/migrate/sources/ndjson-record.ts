import { parseLine } from "../../transfer/line.ts";
import { SourceError } from "../source-error.ts";
import type { SourceRecord } from "../source-record.ts";

/** The fields of an export line a record needs, once parseLine has checked them. */
interface ExportedEntry {
  key: string;
  value: string;
  encoding?: "utf8" | "base64";
  contentType?: string;
  ttl?: number;
  swr?: number;
  tags?: readonly string[];
}

/**
 * The record of one line of an edge-cache export (`npm run transfer -- export`), checked by the
 * same rules as an import; undefined for a blank line; a SourceError naming the file and line
 * for an invalid one. `ttl` was the lifetime left when the file was written: the file records no
 * time, so it counts from now.
 */
export function exportLineToRecord(file: string, lineNumber: number, text: string): SourceRecord | undefined {
  const parsed = parseLine(text);
  switch (parsed.kind) {
    case "blank":
      return undefined;
    case "invalid":
      throw new SourceError(`${file}:${lineNumber}: ${parsed.reason}`);
    case "entry":
      return toRecord({ ...parsed.set, value: String(parsed.set.value) });
    case "expired":
      // parseLine keeps only the key of an expired line; the line itself passed its checks.
      return toRecord(JSON.parse(text) as ExportedEntry);
  }
}

function toRecord(entry: ExportedEntry): SourceRecord {
  const record: SourceRecord = {
    key: Buffer.from(entry.key, "utf8"),
    type: "string",
    value: Buffer.from(entry.value, entry.encoding === "base64" ? "base64" : "utf8"),
    ttlMs: entry.ttl === undefined ? undefined : entry.ttl * 1000,
  };
  if (entry.contentType !== undefined) record.contentType = entry.contentType;
  if (entry.swr !== undefined) record.swr = entry.swr;
  if (entry.tags !== undefined) record.tags = [...entry.tags];
  return record;
}
