import { describe, expect, it } from "vitest";
import { decodeEntry, encodeEntry } from "../../../shared/cache/codec";
import { createEntry } from "../../../shared/cache/entry";

const codec = { compressionThresholdBytes: 1024 };
const encoder = new TextEncoder();

async function roundTrip(value: Uint8Array, contentType = "application/octet-stream") {
  const entry = await createEntry({ value, contentType, ttlSeconds: 60, swrSeconds: 5, tags: ["a", "b"] }, 1_700_000_000_000);
  const encoded = await encodeEntry(entry, codec);
  // What the set script stores: the version first, then the header tail, a newline, the payload.
  const stored = `{"v":7,${encoded.headerTail}\n${encoded.payload}`;
  return { entry, encoded, decoded: await decodeEntry(stored) };
}

describe("entry codec", () => {
  it("round-trips arbitrary binary bytes exactly", async () => {
    const value = new Uint8Array(256).map((_, i) => i);
    const { decoded, entry } = await roundTrip(value);
    expect(decoded.value).toEqual(value);
    expect(decoded).toMatchObject({
      contentType: entry.contentType,
      etag: entry.etag,
      tags: ["a", "b"],
      version: 7,
      freshUntil: entry.freshUntil,
      staleUntil: entry.staleUntil,
    });
  });

  it("returns bodies that look like JSON as the same bytes, not as parsed values", async () => {
    for (const text of ["null", "123", "true", '"x"', "9007199254740993", "007", "{}"]) {
      const { decoded } = await roundTrip(encoder.encode(text), "application/json");
      expect(new TextDecoder().decode(decoded.value)).toBe(text);
    }
  });

  it("keeps a leading byte-order mark and newlines inside the value", async () => {
    const value = encoder.encode("\ufeffline one\nline two\n");
    const { decoded } = await roundTrip(value);
    expect(decoded.value).toEqual(value);
  });

  it("stores valid UTF-8 as text and other bytes as base64", async () => {
    expect((await roundTrip(encoder.encode("héllo"))).encoded.payload).toBe("héllo");
    expect((await roundTrip(new Uint8Array([0xff, 0xfe]))).encoded.payload).toBe("//4=");
  });

  it("compresses values over the threshold when that makes them smaller, and restores them", async () => {
    const value = encoder.encode("edge-cache ".repeat(1000));
    const { encoded, decoded } = await roundTrip(value);
    expect(encoded.headerTail).toContain('"e":"z"');
    expect(encoded.payload.length).toBeLessThan(value.byteLength / 10);
    expect(decoded.value).toEqual(value);
  });

  it("leaves incompressible values uncompressed", async () => {
    const value = crypto.getRandomValues(new Uint8Array(4096));
    const { encoded, decoded } = await roundTrip(value);
    expect(encoded.headerTail).toContain('"e":"b"');
    expect(decoded.value).toEqual(value);
  });

  it("judges a large value's compressibility on its first 8 KiB, so an incompressible one costs no whole gzip", async () => {
    const compressible = encoder.encode("edge-cache ".repeat(12_000));
    expect((await roundTrip(compressible)).encoded.headerTail).toContain('"e":"z"');
    // Random first bytes, then text that would compress: judged by the sample, stored as it is.
    const value = new Uint8Array(128 * 1024);
    value.set(crypto.getRandomValues(new Uint8Array(8 * 1024)));
    value.fill(0x61, 8 * 1024);
    const { encoded, decoded } = await roundTrip(value);
    expect(encoded.headerTail).toContain('"e":"b"');
    expect(decoded.value).toEqual(value);
  });

  it("does not compress values under the threshold", async () => {
    const { encoded } = await roundTrip(encoder.encode("a".repeat(1000)));
    expect(encoded.headerTail).toContain('"e":"t"');
  });
});
