import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeStoredEntry } from "../../bench/chaos/entry-decoder.ts";

const header = (e: string) => JSON.stringify({ v: 12, ct: "text/plain", et: '"x"', c: 1, f: 2, s: 3, t: ["a"], e });

describe("stored entry decoding", () => {
  it("reads text, base64 and gzip payloads with the header's version", () => {
    const bytes = Buffer.from([0xff, 0x00, 0x80, 0x0a]);
    const text = decodeStoredEntry(Buffer.from(`${header("t")}\nhello\nworld`));
    expect(text?.value.toString()).toBe("hello\nworld");
    expect(text?.version).toBe(12);
    expect(decodeStoredEntry(Buffer.from(`${header("b")}\n${bytes.toString("base64")}`))?.value).toEqual(bytes);
    expect(decodeStoredEntry(Buffer.from(`${header("z")}\n${gzipSync(bytes).toString("base64")}`))?.value).toEqual(bytes);
  });

  it("reads a delete's tombstone as absent", () => {
    expect(decodeStoredEntry(Buffer.from('{"v":13,"u":1,"c":1,"n":2,"s":3,"d":1}\n'))).toBeUndefined();
  });

  it("refuses an entry without a header line or with an unknown encoding", () => {
    expect(() => decodeStoredEntry(Buffer.from("no header"))).toThrow();
    expect(() => decodeStoredEntry(Buffer.from(`${header("q")}\nx`))).toThrow(/encoding/);
  });
});
