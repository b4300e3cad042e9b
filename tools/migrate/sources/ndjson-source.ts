import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { countLines, numberedLines } from "../../transfer/lines.ts";
import { causeMessage, SourceError } from "../source-error.ts";
import type { Source, SourcePage, SourceRecord } from "../source-record.ts";
import { inRuns } from "./in-runs.ts";
import { exportLineToRecord } from "./ndjson-record.ts";

/** An export file source: which file and how many lines a page holds. */
export interface NdjsonSourceOptions {
  /** An export file written by `npm run transfer -- export`. */
  path: string;
  /** Lines per page. @default 500 */
  pageSize?: number;
}

/**
 * An edge-cache export file as a migration source, read as a stream. A page's cursor is the number
 * of its last line, so `pages(cursor)` goes on with the line after it. The first invalid line
 * stops the read with a SourceError naming the file, the line and what is wrong with it.
 */
export async function createNdjsonSource(options: NdjsonSourceOptions): Promise<Source> {
  const description = options.path;
  const path = resolve(options.path);
  const pageSize = options.pageSize ?? 500;
  try {
    if (!(await stat(path)).isFile()) throw new Error("not a file");
  } catch (error) {
    throw new SourceError(`cannot read ${description}: ${causeMessage(error)}`, { cause: error });
  }

  async function* pages(from: string): AsyncGenerator<SourcePage> {
    if (!/^\d+$/.test(from)) throw new SourceError(`${description}: "${from}" is not a line number to resume after`);
    const after = Number(from);
    let cursor = after;
    for await (const run of inRuns(linesAfter(path, after), pageSize)) {
      const records: SourceRecord[] = [];
      for (const [number, text] of run.items) {
        cursor = number;
        const record = exportLineToRecord(description, number, text);
        if (record) records.push(record);
      }
      yield { records, cursor: String(cursor), done: run.last };
    }
  }

  return {
    description,
    identity: `file:${path}`,
    resume: "cursor",
    estimateTotal: () => countLines(path),
    pages,
    // A file has no index: one pass over it, keeping only the keys asked for (the last line wins,
    // as it would in an import).
    async read(keys) {
      const wanted = new Map<string, SourceRecord | undefined>(keys.map((key) => [key.toString("latin1"), undefined]));
      for await (const page of pages("0")) {
        for (const record of page.records) {
          const id = record.key.toString("latin1");
          if (wanted.has(id)) wanted.set(id, record);
        }
      }
      return keys.map((key) => wanted.get(key.toString("latin1")));
    },
    async close() {},
  };
}

async function* linesAfter(path: string, after: number): AsyncGenerator<[number, string]> {
  for await (const line of numberedLines(path)) if (line[0] > after) yield line;
}
