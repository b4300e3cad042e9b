import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningMemcached, startMemcached } from "../../../../dev/memcached/launcher.ts";
import { type RunningRedis, startRedis } from "../../../../dev/redis/launcher.ts";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import { openSource } from "../../../../tools/migrate/sources/open-source.ts";

let redis: RunningRedis;
let memcached: RunningMemcached;
const dir = mkdtempSync(join(tmpdir(), "edge-cache-open-source-"));
const file = join(dir, "export.ndjson");

beforeAll(async () => {
  [redis, memcached] = await Promise.all([startRedis(), startMemcached()]);
  writeFileSync(file, `${JSON.stringify({ key: "k", value: "v" })}\n`);
});

afterAll(async () => {
  await Promise.all([redis.stop(), memcached.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe("openSource", () => {
  it("opens a source by the scheme of its spec", async () => {
    const sources = await Promise.all([
      openSource(redis.url, { match: "cache:*" }),
      openSource(memcached.url),
      openSource(file),
      openSource(pathToFileURL(file).href),
    ]);
    try {
      expect(sources.map((source) => [source.resume, source.identity])).toEqual([
        ["cursor", `redis://127.0.0.1:${redis.port}/0 match=cache:*`],
        ["keys", memcached.url],
        ["cursor", `file:${file}`],
        ["cursor", `file:${file}`],
      ]);
    } finally {
      await Promise.all(sources.map((source) => source.close()));
    }
  });

  it("refuses an unknown scheme, naming it and not the password", async () => {
    const error = await openSource("postgres://admin:hunter2@db/cache").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe(
      'postgres://admin:***@db/cache: unknown source scheme "postgres://" (expected redis://, rediss://, memcached://, or a file)',
    );
  });
});
