import { decode, encode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { createClient, msgpackCodec } from "../../client/index";
import { cachePath, testApp } from "../helpers/worker/test-env";
import { BASE_URL, clientFor, fetchThrough } from "./client-harness";

interface Quote {
  symbol: string;
  price: number;
  at: string[];
}
const quote: Quote = { symbol: "AAPL", price: 187.25, at: ["2026-12-03", "é"] };

describe("edge-cache/client: typed values", () => {
  it("sends an object as JSON, stored byte for byte with its type, and reads it back typed", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    const cache = clientFor(app, alice!);
    await cache.set("quote", quote);
    const raw = await app.as(alice!, cachePath("quote"));
    expect(raw.headers.get("Content-Type")).toBe("application/json");
    expect(await raw.text()).toBe(JSON.stringify(quote));

    const hit = await cache.get("quote");
    expect(hit?.json<Quote>()).toEqual(quote);
    expect(hit?.decode<Quote>()).toEqual(quote);
    for (const value of [[1, "two"], 42, true, null]) {
      await cache.set("other", value);
      expect((await cache.get("other"))?.decode()).toEqual(value);
    }
    // Strings stay text and bytes stay bytes, as before.
    await cache.set("text", '{"not":"parsed"}');
    expect((await cache.get("text"))?.contentType).toBe("text/plain; charset=utf-8");
    expect((await cache.get("text"))?.decode()).toBe('{"not":"parsed"}');
  });

  it("with msgpackCodec, sends objects as MessagePack and decodes them; JSON entries still read", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    const cache = createClient({
      baseUrl: BASE_URL,
      token: alice!.token,
      fetch: fetchThrough(app),
      codec: msgpackCodec({ encode, decode }),
    });
    await cache.set("quote", quote);
    const raw = await app.as(alice!, cachePath("quote"));
    expect(raw.headers.get("Content-Type")).toBe("application/msgpack");
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(encode(quote));
    expect((await cache.get("quote"))?.decode<Quote>()).toEqual(quote);

    await cache.set("as-json", quote, {
      codec: { contentType: "application/json", encode: (v) => new TextEncoder().encode(JSON.stringify(v)), decode: () => null },
    });
    expect((await cache.get("as-json"))?.decode<Quote>()).toEqual(quote);

    // Batches carry structured values the same way, and decode their hits.
    await cache.batch({ set: [{ key: "batched", value: { n: 1 } }] });
    const { get } = await cache.batch({ get: ["batched", "quote"] });
    expect(get.map((result) => ("decode" in result ? result.decode() : result.status))).toEqual([{ n: 1 }, quote]);
  });

  it("refuses to guess a type it has no codec for, leaving the bytes in value", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    const writer = createClient({
      baseUrl: BASE_URL,
      token: alice!.token,
      fetch: fetchThrough(app),
      codec: msgpackCodec({ encode, decode }),
    });
    await writer.set("packed", quote);
    const plain = clientFor(app, alice!);
    const hit = await plain.get("packed");
    expect(() => hit?.decode()).toThrow(/no codec for application\/msgpack/);
    expect(decode(hit?.value as Uint8Array)).toEqual(quote);
    await plain.set("bytes", new Uint8Array([1, 2, 3]));
    const bytes = await plain.get("bytes");
    expect(() => bytes?.decode()).toThrow(TypeError);
    expect(bytes?.value).toEqual(new Uint8Array([1, 2, 3]));
  });
});
