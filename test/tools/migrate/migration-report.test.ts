import { describe, expect, it } from "vitest";
import { MigrationReport, type ReportedEntry } from "../../../tools/migrate/migration-report.ts";

const entry = (overrides: Partial<ReportedEntry> = {}): ReportedEntry => ({
  tenant: "school-12",
  sourceType: "string",
  contentType: "application/json",
  bytes: 100,
  ttlSeconds: 3600,
  defaulted: false,
  clamped: false,
  ...overrides,
});

describe("per-tenant tallies", () => {
  it("counts keys, bytes, source and content types and decoders per tenant, and totals them", () => {
    const report = new MigrationReport();
    report.addEntry(entry({ bytes: 10 }));
    report.addEntry(entry({ bytes: 20, sourceType: "hash", decodedBy: "zlib" }));
    report.addEntry(entry({ tenant: "market", bytes: 5, contentType: "application/x-python-pickle", decodedBy: "zlib+msgpack" }));
    const json = report.toJSON();
    expect(json.tenants.map(({ tenant, keys, bytes }) => ({ tenant, keys, bytes }))).toEqual([
      { tenant: "school-12", keys: 2, bytes: 30 },
      { tenant: "market", keys: 1, bytes: 5 },
    ]);
    expect(json.tenants[0]).toMatchObject({
      sourceTypes: { string: 1, hash: 1 },
      contentTypes: { "application/json": 2 },
      decoded: { zlib: 1 },
    });
    expect(json.totals).toMatchObject({
      keys: 3,
      bytes: 35,
      sourceTypes: { string: 2, hash: 1 },
      contentTypes: { "application/json": 2, "application/x-python-pickle": 1 },
      decoded: { zlib: 1, "zlib+msgpack": 1 },
    });
  });

  it("puts each TTL in its bucket, and keys that had none under default", () => {
    const report = new MigrationReport();
    for (const ttlSeconds of [1, 59, 60, 3599, 3600, 86_399, 86_400, 604_799, 604_800, 10_000_000]) report.addEntry(entry({ ttlSeconds }));
    report.addEntry(entry({ ttlSeconds: 3600, defaulted: true }));
    report.addEntry(entry({ ttlSeconds: 86_400, clamped: true }));
    const [tenant] = report.toJSON().tenants;
    expect(tenant?.ttl).toEqual({ "< 1 min": 2, "< 1 h": 2, "< 1 day": 2, "< 1 week": 3, ">= 1 week": 2, default: 1 });
    expect(tenant?.clamped).toBe(1);
  });

  it("orders tenants by keys, most first, then by name", () => {
    const report = new MigrationReport();
    for (const tenant of ["b", "a", "c", "c"]) report.addEntry(entry({ tenant }));
    expect(report.toJSON().tenants.map((tenant) => tenant.tenant)).toEqual(["c", "a", "b"]);
  });

  it("counts content types named like object internals as plain names", () => {
    const report = new MigrationReport();
    report.addEntry(entry({ contentType: "__proto__" }));
    report.addEntry(entry({ contentType: "constructor" }));
    expect(report.toJSON().tenants[0]?.contentTypes).toEqual(
      Object.fromEntries([
        ["__proto__", 1],
        ["constructor", 1],
      ]),
    );
    expect(Object.keys(report.toJSON().totals.contentTypes)).toEqual(["__proto__", "constructor"]);
  });
});

describe("what was not copied", () => {
  it("keeps the count and the first examples of unmapped keys, escaped", () => {
    const report = new MigrationReport({ examples: 2 });
    report.addUnmapped(Buffer.from([0x61, 0xff, 0x0a]), "key is not UTF-8");
    report.addUnmapped(Buffer.from("é:k"), "matches none of the key templates");
    report.addUnmapped(Buffer.from("third"), "matches none of the key templates");
    expect(report.toJSON().unmapped).toEqual({
      count: 3,
      examples: [
        { key: '"a\\xff\\x0a"', reason: "key is not UTF-8" },
        { key: '"é:k"', reason: "matches none of the key templates" },
      ],
    });
  });

  it("shows at most 200 bytes of a long key, cut on a character boundary", () => {
    const report = new MigrationReport();
    report.addUndecodable(Buffer.from(`${"a".repeat(199)}${"é".repeat(1000)}`), "zlib: unexpected end of file");
    expect(report.toJSON().undecodable.examples[0]?.key).toBe(`"${"a".repeat(199)}"… (2199 bytes)`);
  });

  it("counts oversized values with their sizes, expired keys, and skipped keys by type", () => {
    const report = new MigrationReport();
    report.addOversized({ key: "doc", tenant: "school-12", bytes: 2_000_000, maxBytes: 1_048_576 });
    report.addExpired();
    report.addExpired();
    report.addSkipped(Buffer.from("lru:index"), "zset");
    report.addSkipped(Buffer.from("stream"), "other");
    const json = report.toJSON();
    expect(json.oversized).toEqual({ count: 1, examples: [{ key: '"doc"', tenant: "school-12", bytes: 2_000_000, maxBytes: 1_048_576 }] });
    expect(json.expired).toBe(2);
    expect(json.skipped).toMatchObject({ count: 2, byType: { zset: 1, other: 1 }, hint: expect.stringContaining("--convert json") });
  });

  it("hints at --convert json only for structures skipped for want of it", () => {
    const report = new MigrationReport();
    report.addSkipped(Buffer.from("h"), "hash", "members are not UTF-8");
    report.addSkipped(Buffer.from("s"), "other");
    expect(report.toJSON().skipped.hint).toBeUndefined();
    expect(report.render()).not.toContain("--convert json");
  });
});

describe("bounded memory", () => {
  const unmappedJson = (keys: number) => {
    const report = new MigrationReport();
    for (let index = 0; index < keys; index++) report.addUnmapped(Buffer.from(`${index}`.padStart(1000, "k")), `reason ${index}`);
    return JSON.stringify({ ...report.toJSON(), unmapped: { ...report.toJSON().unmapped, count: 0 } });
  };

  it("holds as much for 100,000 unmapped keys as for 20", () => {
    expect(unmappedJson(100_000).length).toBe(unmappedJson(20).length);
  });

  it("caps the content types counted per tenant, however many an export names", () => {
    const report = new MigrationReport({ contentTypesPerTenant: 3 });
    for (let index = 0; index < 10_000; index++) report.addEntry(entry({ contentType: `application/x-${index % 5000}` }));
    expect(report.toJSON().tenants[0]?.contentTypes).toEqual({
      "(other)": 9994,
      "application/x-0": 2,
      "application/x-1": 2,
      "application/x-2": 2,
    });
  });
});

describe("rendering", () => {
  const report = new MigrationReport({ tenantsShown: 2 });
  report.addEntry(entry({ tenant: "school-12", bytes: 3 * 1024 * 1024 }));
  report.addEntry(entry({ tenant: "school-12", ttlSeconds: 30, decodedBy: "zlib" }));
  report.addEntry(entry({ tenant: "market", ttlSeconds: 3600, defaulted: true, contentType: "application/x-python-pickle" }));
  report.addEntry(entry({ tenant: "reports", bytes: 1 }));
  report.addUnmapped(Buffer.from("x".repeat(300)), "matches none of the key templates");
  report.addUnmapped(Buffer.from("rvu"), "matches none of the key templates");
  report.addSkipped(Buffer.from("lru:index"), "zset");
  report.setTenantsToCreate(["school-12", "market"]);
  const text = report.render();
  const lines = text.split("\n");

  it("lists the tenants with most keys, says how many more there are, and ends with totals", () => {
    const table = lines.slice(1, 6);
    expect(table[0]).toMatch(/^tenant\s+keys\s+size\s+< 1 min\s+< 1 h\s+< 1 day\s+< 1 week\s+>= 1 week\s+default\s+clamped\s+decoded$/);
    expect(table[1]).toMatch(/^school-12\s+2\s+3\.0 MiB\s+1\s+0\s+1\s+0\s+0\s+0\s+0\s+1$/);
    expect(table[2]).toMatch(/^market\s+1\s+100 B\s+0\s+0\s+0\s+0\s+0\s+1\s+0\s+0$/);
    expect(table[3]).toBe("… and 1 more tenant");
    expect(table[4]).toMatch(/^total\s+4\s+3\.0 MiB\s+1\s+0\s+2\s+0\s+0\s+1\s+0\s+1$/);
  });

  it("aligns every column of the table", () => {
    const table = [1, 2, 3, 5].map((index) => lines[index] as string);
    // Cells are two or more spaces apart (one space may sit inside a cell: "< 1 min", "3.0 MiB").
    const cellEnds = (line: string) => [...line.matchAll(/\S+(?: \S+)*/g)].map((match) => match.index + match[0].length);
    const [header, ...rows] = table.map(cellEnds);
    expect(header).toHaveLength(11);
    // The tenant column is left-aligned; every other column is right-aligned under its heading.
    for (const row of rows) expect(row.slice(1)).toEqual(header?.slice(1));
  });

  it("names the tenants to create and what was not copied, with reasons", () => {
    expect(text).toContain("Tenants: 3 (2 to create)");
    expect(text).toContain("Tenants to create: market, school-12");
    expect(text).toContain("Unmapped: 2 keys (not copied)");
    expect(text).toMatch(/\n {2}"rvu" {2}matches none of the key templates\n/);
    expect(text).toContain("Skipped: 1 key (zset 1); copy hashes, lists, sets and sorted sets as JSON with --convert json");
    expect(text).not.toContain("Oversized");
    expect(text).not.toContain("Expired");
  });
});
