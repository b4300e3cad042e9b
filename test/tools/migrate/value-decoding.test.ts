import { deflateSync, gzipSync } from "node:zlib";
import { encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { decodeValue } from "../../../tools/migrate/value-decoding.ts";
import { PICKLE_PROTOCOL_4, SCHOOL_DOCUMENT } from "./legacy-values.ts";

const ALL = ["zlib", "gzip", "msgpack"] as const;
const json = (bytes: Buffer) => bytes.toString("utf8");

describe("zlib and gzip", () => {
  it("inflates a zlib-compressed pickle or JSON (market data E over its size threshold)", () => {
    expect(decodeValue(deflateSync(PICKLE_PROTOCOL_4), ["zlib"])).toEqual({ bytes: PICKLE_PROTOCOL_4, decodedBy: "zlib" });
    expect(decodeValue(deflateSync(SCHOOL_DOCUMENT), ["zlib"])).toEqual({ bytes: SCHOOL_DOCUMENT, decodedBy: "zlib" });
  });

  it("leaves values in no asked-for format exactly as they are", () => {
    for (const value of [SCHOOL_DOCUMENT, PICKLE_PROTOCOL_4, Buffer.alloc(0), Buffer.from("x")]) {
      expect(decodeValue(value, ALL)).toEqual({ bytes: value });
    }
    expect(decodeValue(deflateSync(SCHOOL_DOCUMENT), ["gzip", "msgpack"])).toEqual({ bytes: deflateSync(SCHOOL_DOCUMENT) });
  });

  it("takes text that happens to start with a zlib header (x^) for text", () => {
    const text = Buffer.from("x^2 + y^2 = r^2");
    expect(text.readUInt16BE(0) % 31).toBe(0);
    expect(decodeValue(text, ["zlib"])).toEqual({ bytes: text });
  });

  it("keeps a binary value whose zlib stream is broken, and says why", () => {
    const broken = deflateSync(Buffer.alloc(2000, 7)).subarray(0, 12);
    expect(decodeValue(broken, ["zlib"])).toEqual({ bytes: broken, undecodable: true, undecodableReason: "zlib: unexpected end of file" });
  });

  it("refuses to drop bytes that follow a zlib stream", () => {
    const value = Buffer.concat([deflateSync(Buffer.from("hello")), Buffer.from([0xff, 0xfe])]);
    expect(decodeValue(value, ["zlib"])).toMatchObject({
      bytes: value,
      undecodable: true,
      undecodableReason: "zlib: 2 bytes follow the compressed stream",
    });
  });

  it("gunzips gzip, and keeps a truncated gzip as it was", () => {
    expect(decodeValue(gzipSync(SCHOOL_DOCUMENT), ["gzip"])).toEqual({ bytes: SCHOOL_DOCUMENT, decodedBy: "gzip" });
    const truncated = gzipSync(SCHOOL_DOCUMENT).subarray(0, 30);
    expect(decodeValue(truncated, ["gzip"])).toMatchObject({ bytes: truncated, undecodable: true });
  });

  it("keeps a value that would inflate past maxDecodedBytes (a decompression bomb)", () => {
    const bomb = deflateSync(Buffer.alloc(10_000_000));
    expect(decodeValue(bomb, ["zlib"], { maxDecodedBytes: 1_000_000 })).toEqual({
      bytes: bomb,
      undecodable: true,
      undecodableReason: "zlib: inflates to more than 1000000 bytes",
    });
  });
});

describe("msgpack", () => {
  it("turns MessagePack into JSON (distributed cache D)", () => {
    const value = Buffer.from(encode({ user: "ann", scores: [1, -2, 3.5], ok: true, none: null, "": "é😀" }));
    const decoded = decodeValue(value, ["msgpack"]);
    expect(decoded.decodedBy).toBe("msgpack");
    expect(json(decoded.bytes)).toBe('{"user":"ann","scores":[1,-2,3.5],"ok":true,"none":null,"":"é😀"}');
  });

  it("keeps long and multi-byte strings whole beside binary fields", () => {
    const long = "é😀".repeat(300);
    const value = Buffer.from(encode({ text: long, raw: new Uint8Array([1, 2]), nested: [{ [long]: long }] }));
    expect(JSON.parse(json(decodeValue(value, ["msgpack"]).bytes))).toEqual({ text: long, raw: "AQI=", nested: [{ [long]: long }] });
  });

  it("writes bin as base64, a timestamp as ISO 8601 and a 64-bit integer with every digit", () => {
    const value = Buffer.from(
      encode([new Uint8Array([0, 255, 16]), new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), 2n ** 63n - 1n], { useBigInt64: true }),
    );
    expect(json(decodeValue(value, ["msgpack"]).bytes)).toBe('["AP8Q","2026-01-02T03:04:05.006Z",9223372036854775807]');
  });

  it("never reads UTF-8 text as MessagePack (every ASCII byte is a valid fixint)", () => {
    for (const text of ["5", "ok", '{"a":1}']) expect(decodeValue(Buffer.from(text), ["msgpack"])).toEqual({ bytes: Buffer.from(text) });
  });

  it("passes a pickle by: it begins like MessagePack but leaves bytes over", () => {
    expect(decodeValue(PICKLE_PROTOCOL_4, ["msgpack"])).toEqual({ bytes: PICKLE_PROTOCOL_4 });
  });

  it.each([
    // {1: "a"} and {b"\x01": "a"}, as msgpack-python writes them.
    ["a number map key", Buffer.from([0x81, 0x01, 0xa1, 0x61]), "msgpack: a map key is a number; JSON keys are strings"],
    ["a binary map key", Buffer.from([0x81, 0xc4, 0x01, 0x01, 0xa1, 0x61]), "msgpack: a map key is binary; JSON keys are strings"],
    ["a map key of bad UTF-8", Buffer.from([0x81, 0xa2, 0xc3, 0x28, 0x01]), "msgpack: a map key is not well-formed UTF-8"],
    ["NaN", encode([Number.NaN]), "msgpack: it holds the number NaN, which JSON cannot write"],
    ["an extension type", Buffer.from([0x91, 0xd4, 0x05, 0x00]), "msgpack: it holds extension type 5, which has no JSON form"],
    // C3 must be followed by a continuation byte; the library alone would read "è".
    ["a string of bad UTF-8", Buffer.from([0x91, 0xa2, 0xc3, 0x28]), "msgpack: a string is not well-formed UTF-8"],
    [
      "a long string of bad UTF-8",
      Buffer.from([0xd9, 0xc8, ...Buffer.alloc(199, 0x61), 0xff]),
      "msgpack: a string is not well-formed UTF-8",
    ],
  ])("keeps MessagePack holding %s as it was, and says why", (_, bytes, reason) => {
    const value = Buffer.from(bytes);
    expect(decodeValue(value, ["msgpack"])).toEqual({ bytes: value, undecodable: true, undecodableReason: reason });
  });
});

describe("several decoders", () => {
  it("applies them in the given order, each to what the one before produced", () => {
    const packed = Buffer.from(encode({ close: 187.5 }));
    expect(decodeValue(deflateSync(packed), ["zlib", "msgpack"])).toEqual({
      bytes: Buffer.from('{"close":187.5}'),
      decodedBy: "zlib+msgpack",
    });
    // msgpack first sees compressed bytes, which are not MessagePack; zlib then leaves MessagePack.
    expect(decodeValue(deflateSync(packed), ["msgpack", "zlib"])).toEqual({ bytes: packed, decodedBy: "zlib" });
  });

  it("keeps the original value, not a half-decoded one, when a later decoder fails", () => {
    const value = deflateSync(Buffer.from([0x81, 0x01, 0xa1, 0x61]));
    expect(decodeValue(value, ["zlib", "msgpack"])).toMatchObject({ bytes: value, undecodable: true });
  });
});
