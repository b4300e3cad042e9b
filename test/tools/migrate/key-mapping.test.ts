import { describe, expect, it } from "vitest";
import { createKeyMapper } from "../../../tools/migrate/key-mapping.ts";
import { TemplateError } from "../../../tools/migrate/template-error.ts";

const key = (text: string) => Buffer.from(text, "utf8");

describe("key mapping", () => {
  it("takes the tenant from {tenant} and the edge-cache key from {key} (school cache C)", () => {
    const mapper = createKeyMapper({ templates: ["cache:{name}:school:{tenant}:{key}"] });
    expect(mapper.map(key("cache:docs:school:School_12:lesson:3"))).toEqual({ kind: "mapped", tenant: "School_12", key: "lesson:3" });
  });

  it("keeps the whole legacy key when the template has no {key} (market data E, with a fixed tenant)", () => {
    const mapper = createKeyMapper({ templates: ["cache:{dataset}:{symbol}:{date}"], tenant: "market" });
    expect(mapper.map(key("cache:ohlc:AAPL:2026-01-02"))).toEqual({ kind: "mapped", tenant: "market", key: "cache:ohlc:AAPL:2026-01-02" });
  });

  it("uses the fixed tenant for flat keys (report cache A)", () => {
    const mapper = createKeyMapper({ templates: ["rvu:{kind}:{id}"], tenant: "reports" });
    expect(mapper.map(key("rvu:summary:9001"))).toEqual({ kind: "mapped", tenant: "reports", key: "rvu:summary:9001" });
    expect(mapper.map(key("lru:index"))).toEqual({
      kind: "unmapped",
      reason: expect.stringContaining("matches none of the key templates (rvu:{kind}:{id})"),
    });
  });

  it("maps every key whole to the fixed tenant when there is no template", () => {
    const mapper = createKeyMapper({ tenant: "analytics" });
    expect(mapper.map(key("emg_analysis:42:summary"))).toEqual({ kind: "mapped", tenant: "analytics", key: "emg_analysis:42:summary" });
  });

  it("lets the first matching template win, and a {tenant} capture outrank the fixed tenant", () => {
    const mapper = createKeyMapper({ templates: ["cache:{name}:school:{tenant}:{key}", "cache:{name}:{key}"], tenant: "shared" });
    expect(mapper.map(key("cache:docs:school:7:k"))).toEqual({ kind: "mapped", tenant: "7", key: "k" });
    expect(mapper.map(key("cache:docs:k"))).toEqual({ kind: "mapped", tenant: "shared", key: "k" });
  });

  it("refuses keys that are not UTF-8, rather than store a changed key", () => {
    const mapper = createKeyMapper({ tenant: "t" });
    expect(mapper.map(Buffer.from([0x6b, 0xff, 0x00]))).toEqual({ kind: "unmapped", reason: "key is not UTF-8" });
  });

  it("refuses an edge-cache key over 512 bytes of UTF-8, and accepts one of exactly 512", () => {
    const mapper = createKeyMapper({ templates: ["p:{tenant}:{key}"] });
    expect(mapper.map(key(`p:t:${"é".repeat(256)}`))).toEqual({ kind: "mapped", tenant: "t", key: "é".repeat(256) });
    expect(mapper.map(key(`p:t:${"é".repeat(256)}x`))).toEqual({
      kind: "unmapped",
      reason: "key is 513 bytes of UTF-8, over edge-cache's limit of 512",
    });
  });

  it("refuses the empty legacy key (Redis allows it, edge-cache does not)", () => {
    expect(createKeyMapper({ tenant: "t" }).map(Buffer.alloc(0))).toEqual({ kind: "unmapped", reason: "key is empty" });
  });

  it("keeps bytes such as a byte-order mark and NUL exactly", () => {
    const legacy = Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x00, 0x62]);
    const mapped = createKeyMapper({ tenant: "t" }).map(legacy);
    expect(mapped.kind === "mapped" && Buffer.from(mapped.key, "utf8")).toEqual(legacy);
  });

  it("refuses, when it is built, a template without {tenant} and no fixed tenant", () => {
    expect(() => createKeyMapper({ templates: ["cache:{tenant}:{key}", "rvu:{kind}:{id}"] })).toThrow(TemplateError);
    expect(() => createKeyMapper({ templates: ["rvu:{kind}:{id}"] })).toThrow('key template "rvu:{kind}:{id}" has no {tenant} capture');
    expect(() => createKeyMapper({})).toThrow("no key template and no fixed tenant");
    expect(() => createKeyMapper({ templates: ["cache:{}"], tenant: "t" })).toThrow(TemplateError);
  });
});
