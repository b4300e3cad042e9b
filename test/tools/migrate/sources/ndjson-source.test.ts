import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import type { Source, SourcePage } from "../../../../tools/migrate/source-record.ts";
import { createNdjsonSource } from "../../../../tools/migrate/sources/ndjson-source.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-ndjson-source-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function exportFile(lines: readonly (object | string)[]): string {
  const path = join(dir, `export-${++files}.ndjson`);
  writeFileSync(path, lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n"));
  return path;
}

async function allPages(source: Source, from = "0"): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const page of source.pages(from)) pages.push(page);
  return pages;
}

describe("ndjson source", () => {
  it("turns each export line into a record: values byte for byte, lifetimes in milliseconds, metadata kept", async () => {
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const path = exportFile([
      { key: "doc:1", value: '{"a":1}', contentType: "application/json", ttl: 120, swr: 30, tags: ["docs", "v2"] },
      "",
      { key: "blob", value: binary.toString("base64"), encoding: "base64" },
      { key: "gone", value: "stale", ttl: 0 },
    ]);
    const source = await createNdjsonSource({ path });

    const pages = await allPages(source);

    expect(pages).toEqual([
      {
        records: [
          {
            key: Buffer.from("doc:1"),
            type: "string",
            value: Buffer.from('{"a":1}'),
            ttlMs: 120_000,
            contentType: "application/json",
            swr: 30,
            tags: ["docs", "v2"],
          },
          { key: Buffer.from("blob"), type: "string", value: binary, ttlMs: undefined },
          { key: Buffer.from("gone"), type: "string", value: Buffer.from("stale"), ttlMs: 0 },
        ],
        cursor: "4",
        done: true,
      },
    ]);
    expect(await source.estimateTotal()).toBe(4);
    expect(source.identity).toBe(`file:${path}`);
  });

  it("pages 500 lines at a time and resumes after a page's last line", async () => {
    const path = exportFile(Array.from({ length: 1200 }, (_, i) => ({ key: `k${i + 1}`, value: "v" })));
    const source = await createNdjsonSource({ path });

    const pages = await allPages(source);
    const resumed = await allPages(source, "500");

    expect(pages.map((page) => [page.records.length, page.cursor, page.done])).toEqual([
      [500, "500", false],
      [500, "1000", false],
      [200, "1200", true],
    ]);
    expect(resumed.map((page) => page.cursor)).toEqual(["1000", "1200"]);
    expect(resumed[0]?.records[0]?.key.toString()).toBe("k501");
  });

  it("stops at an invalid line with a SourceError naming the file, the line and the reason, after the pages before it", async () => {
    const lines: (object | string)[] = Array.from({ length: 600 }, (_, i) => ({ key: `k${i}`, value: "v" }));
    lines.push({ key: "bad", value: "v", ttl: 1.5 });
    const path = exportFile(lines);
    const source = await createNdjsonSource({ path });

    const pages: SourcePage[] = [];
    const error = await (async () => {
      for await (const page of source.pages("0")) pages.push(page);
    })().catch((caught: unknown) => caught);

    expect(pages.map((page) => page.cursor)).toEqual(["500"]);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(`${path}:601: ttl: ttl must be whole seconds`);
  });

  it("says which line is not JSON", async () => {
    const path = exportFile([{ key: "a", value: "v" }, "{not json"]);
    await expect(allPages(await createNdjsonSource({ path }))).rejects.toThrow(`${path}:2: not JSON`);
  });

  it("reads given keys by one pass over the file, the last line of a key winning", async () => {
    const path = exportFile([
      { key: "a", value: "first" },
      { key: "b", value: "b" },
      { key: "a", value: "second" },
    ]);
    const source = await createNdjsonSource({ path });

    const [a, missing] = await source.read([Buffer.from("a"), Buffer.from("missing")]);

    expect(a?.value?.toString()).toBe("second");
    expect(missing).toBeUndefined();
  });

  it("reports a file it cannot read when opened", async () => {
    const path = join(dir, "no-such-export.ndjson");
    await expect(createNdjsonSource({ path })).rejects.toThrow(
      new SourceError(`cannot read ${path}: ENOENT: no such file or directory, stat '${path}'`),
    );
  });
});
