import type { ExportedEntry } from "./types.js";

/** NDJSON, one entry a line; blank lines are ignored. */
export function parseExportLines(text: string): ExportedEntry[] {
  const entries: ExportedEntry[] = [];
  for (const line of text.split("\n")) if (line.trim() !== "") entries.push(JSON.parse(line) as ExportedEntry);
  return entries;
}

/** "0" and an absent header both mean the scan is complete. */
export function nextCursor(header: string | null): string | undefined {
  return header === null || header === "" || header === "0" ? undefined : header;
}
