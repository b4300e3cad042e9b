import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** The file's lines with their numbers, from 1, read as a stream (export files can be large). */
export async function* numberedLines(path: string): AsyncGenerator<[number, string]> {
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const line of lines) yield [++number, line];
}

/** How many lines the file has, for a progress bar's total; one pass over its bytes. */
export async function countLines(path: string): Promise<number> {
  let count = 0;
  let last = 0x0a;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) count++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  return last === 0x0a ? count : count + 1;
}
