import { describe, expect, it } from "vitest";
import { decodeEntry, decodeStoredValue, EntryCodecError, encodeEntry } from "../../../shared/cache/codec";
import { createEntry } from "../../../shared/cache/entry";
import { escapesCheaplyInJson } from "../../../shared/cache/payload-codec";

const codec = { compressionThresholdBytes: 1024 };
const encoder = new TextEncoder();

async function stored(value: Uint8Array) {
  const entry = await createEntry({ value, contentType: "text/plain", ttlSeconds: 60, swrSeconds: 0, tags: [] }, 1_700_000_000_000);
  const encoded = await encodeEntry(entry, codec);
  const raw = `{"v":3,"u":1,${encoded.headerTail}\n${encoded.payload}`;
  return { encoded, decoded: await decodeEntry(raw) };
}

/** The bytes the SDK sends for the payload: a JSON string. */
const wireBytes = (payload: string) => encoder.encode(JSON.stringify(payload)).byteLength - 2;

describe("entry codec: what a value costs on the wire", () => {
  it("sends quotes, backslashes and control characters as base64 when escaping them would cost more", async () => {
    for (const text of ["\u0000".repeat(300), "\u0001\u0002\u0003", '"'.repeat(300), "\\".repeat(99), "\n\t".repeat(200), '{"a":"b"}']) {
      const value = encoder.encode(text);
      const { encoded, decoded } = await stored(value);
      expect(encoded.headerTail, JSON.stringify(text.slice(0, 4))).toContain('"e":"b"');
      expect(wireBytes(encoded.payload)).toBeLessThanOrEqual(Math.ceil(value.byteLength / 3) * 4);
      expect(decoded.value).toEqual(value);
    }
  });

  it("keeps text as text while escaping costs no more than base64", async () => {
    for (const text of ['{"id":1,"name":"edge"}', "line one\nline two", "héllo wörld 😀", "", "tab\there"]) {
      const value = encoder.encode(text);
      const { encoded, decoded } = await stored(value);
      expect(encoded.headerTail, text).toContain('"e":"t"');
      expect(wireBytes(encoded.payload)).toBeLessThanOrEqual(Math.max(value.byteLength, Math.ceil(value.byteLength / 3) * 4));
      expect(decoded.value).toEqual(value);
    }
  });

  it("judges by the exact escape lengths: 2 bytes for \\n, 6 for other control characters", () => {
    // 12 bytes: base64 is 16, so 4 bytes of escaping are allowed.
    expect(escapesCheaplyInJson(encoder.encode("aaaaaaaa\n\n\n\n"))).toBe(true);
    expect(escapesCheaplyInJson(encoder.encode("aaaaaaa\n\n\n\n\n"))).toBe(false);
    expect(escapesCheaplyInJson(encoder.encode("aaaaaaaaaaa\u0001"))).toBe(false);
    expect(escapesCheaplyInJson(encoder.encode("aaaaaaaaaaa\u007f"))).toBe(true);
  });

  it("round-trips every byte value exactly, whichever encoding it picks", async () => {
    for (let byte = 0; byte < 256; byte++) {
      const value = new Uint8Array([0x61, byte, 0x62]);
      expect((await stored(value)).decoded.value, String(byte)).toEqual(value);
    }
  });
});

describe("decoding what Redis holds under an entry key", () => {
  it("reads a delete's tombstone as such, and decodeEntry refuses it with a typed error", async () => {
    const tombstone = '{"v":9,"u":1,"c":1,"n":2,"s":3,"d":1}\n';
    expect(await decodeStoredValue(tombstone)).toEqual({ kind: "tombstone" });
    await expect(decodeEntry(tombstone)).rejects.toBeInstanceOf(EntryCodecError);
  });

  it("answers anything unreadable with EntryCodecError, never another error", async () => {
    const header = '{"v":1,"ct":"t","et":"e","c":1,"f":2,"s":3,"t":[]';
    for (const raw of [
      "",
      "no header",
      "null\n",
      "[]\n",
      "{}\n",
      "{nope\nx",
      `${header},"e":"b"}\n%%%`,
      `${header},"e":"z"}\nAAAA`,
      `${header},"e":"q"}\nx`,
    ]) {
      await expect(decodeStoredValue(raw), raw).rejects.toBeInstanceOf(EntryCodecError);
    }
  });
});
