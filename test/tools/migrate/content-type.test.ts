import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectContentType } from "../../../tools/migrate/content-type.ts";
import { PICKLE_PROTOCOL_0, PICKLE_PROTOCOL_2, PICKLE_PROTOCOL_4, SCHOOL_DOCUMENT } from "./legacy-values.ts";

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("content type detection", () => {
  it.each([['{"a":1}'], ["[1,2]"], ['"text"'], ["42"], ["-1.5"], ["true"], ["false"], ["null"], [' \n{"padded": true}\n']])(
    "calls %j JSON",
    (text) => {
      expect(detectContentType(bytes(text))).toBe("application/json");
    },
  );

  it("calls a school cache document JSON", () => {
    expect(detectContentType(SCHOOL_DOCUMENT)).toBe("application/json");
  });

  it("calls text that only starts like JSON text", () => {
    for (const text of ["{not json", "404 not found", "nullable", "tomorrow"])
      expect(detectContentType(bytes(text))).toBe("text/plain; charset=utf-8");
  });

  it("knows pickles by their PROTO opcode, and protocol 0 only by pymemcache's flag 1", () => {
    expect(detectContentType(PICKLE_PROTOCOL_4)).toBe("application/x-python-pickle");
    expect(detectContentType(PICKLE_PROTOCOL_2)).toBe("application/x-python-pickle");
    expect(detectContentType(PICKLE_PROTOCOL_0)).toBe("text/plain; charset=utf-8");
    expect(detectContentType(PICKLE_PROTOCOL_0, 1)).toBe("application/x-python-pickle");
    expect(detectContentType(PICKLE_PROTOCOL_0, 16)).toBe("text/plain; charset=utf-8");
    expect(detectContentType(Buffer.from([0x80, 0x06, 0x00]))).toBe("application/octet-stream");
  });

  it("knows gzip by its magic and zlib by a header that inflates", () => {
    expect(detectContentType(gzipSync(SCHOOL_DOCUMENT))).toBe("application/gzip");
    expect(detectContentType(deflateSync(PICKLE_PROTOCOL_4))).toBe("application/zlib");
    expect(detectContentType(deflateSync(Buffer.alloc(1_000_000, 1)))).toBe("application/zlib");
    expect(detectContentType(Buffer.from("x^2 is text"))).toBe("text/plain; charset=utf-8");
    expect(detectContentType(Buffer.concat([Buffer.from([0x78, 0x9c]), Buffer.alloc(10, 0xff)]))).toBe("application/octet-stream");
  });

  it("calls UTF-8 text with tabs and line breaks text, and text with other control characters bytes", () => {
    expect(detectContentType(bytes("Photosynthèse\tété\r\n😀"))).toBe("text/plain; charset=utf-8");
    expect(detectContentType(bytes(""))).toBe("text/plain; charset=utf-8");
    expect(detectContentType(bytes("a\u0000b"))).toBe("application/octet-stream");
    expect(detectContentType(bytes("a\u007fb"))).toBe("application/octet-stream");
    expect(detectContentType(bytes("a\u0085b"))).toBe("application/octet-stream");
    expect(detectContentType(Buffer.from([0x61, 0xff]))).toBe("application/octet-stream");
  });
});
