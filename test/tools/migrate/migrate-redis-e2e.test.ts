import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningRedis, startRedis } from "../../../dev/redis/launcher.ts";
import { PICKLE_PROTOCOL_4, SCHOOL_DOCUMENT } from "./legacy-values.ts";
import { migrate, startWorker, stateDir, tenantClient, tenantExists } from "./migrate-stack.ts";

// The CLI end to end: a real redis-server seeded with legacy-shaped data (../shared/LEGACY-CACHES.md,
// school cache C and market cache E), the bundled Worker in Miniflare, the run's Redis as its L2.
const ADMIN_TOKEN = `admin-${crypto.randomUUID()}`;
let worker: { url: string; dispose(): Promise<void> };
let legacy: RunningRedis;
let redis: Redis;

beforeAll(async () => {
  [worker, legacy] = await Promise.all([startWorker(ADMIN_TOKEN), startRedis()]);
  redis = new Redis(legacy.url, { lazyConnect: true });
  await redis.connect();
});

afterAll(async () => {
  redis?.disconnect();
  await Promise.all([worker?.dispose(), legacy?.stop()]);
});

const run = (argv: string[], options?: Parameters<typeof migrate>[3]) => migrate(worker.url, ADMIN_TOKEN, argv, options);
const unique = () => crypto.randomUUID().slice(0, 8);

/** School cache C: `cache:{name}:school:{school}:{key}`, JSON documents with per-call TTLs. */
async function seedSchools(prefix: string, schools: string[], perSchool: number): Promise<void> {
  const pipeline = redis.pipeline();
  for (const school of schools) {
    for (let i = 0; i < perSchool; i++) pipeline.set(`${prefix}:school:${school}:doc/${i}`, SCHOOL_DOCUMENT, "EX", 3600 + i);
  }
  await pipeline.exec();
}

describe("npm run migrate from Redis", () => {
  it("dry-runs without writing anything, then copies byte for byte with remaining TTLs and content types", async () => {
    const id = unique();
    const prefix = `cache:embeddings-${id}`;
    const schools = [`s${id}a`, `s${id}b`];
    await seedSchools(prefix, schools, 3);
    // Side structures and leftovers of the same layout: a hash, an unmapped key, an expiring pickle.
    await redis.hset(`${prefix}:school:${schools[0]}:meta`, { a: "1" });
    await redis.set(`${prefix}:other:${id}`, "not a school");
    await redis.set(`${prefix}:school:${schools[1]}:report.pkl`, PICKLE_PROTOCOL_4);
    const map = `--map=cache:embeddings-${id}:school:{tenant}:{key}`;
    const state = join(stateDir(), "state.json");

    const dry = await run(["--from", legacy.url, map, "--match", `${prefix}:*`, "--dry-run", "--state", state]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toContain("Dry run: nothing was written");
    for (const school of schools) expect(dry.stderr).toContain(school);
    expect(dry.stderr).toMatch(/unmapped/i);
    expect(dry.stderr).toContain("--convert json");
    expect(await tenantExists(worker.url, ADMIN_TOKEN, schools[0] as string)).toBe(false);
    expect(() => readFileSync(state)).toThrow();

    // Without --create-tenants the run stops before copying, naming the tenant and the fix.
    const refused = await run(["--from", legacy.url, map, "--match", `${prefix}:*`, "--state", state]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/tenant s.* does not exist: .*--create-tenants/);

    const copied = await run(["--from", legacy.url, map, "--match", `${prefix}:*`, "--create-tenants", "--state", state]);
    expect(copied.code, copied.stderr).toBe(0);
    const first = await tenantClient(worker.url, ADMIN_TOKEN, schools[0] as string);
    const doc = await first.get("doc/2");
    expect(Buffer.from(doc?.value ?? [])).toEqual(SCHOOL_DOCUMENT);
    expect(doc?.contentType).toBe("application/json");
    expect(doc?.maxAge).toBeGreaterThan(3500);
    expect(doc?.maxAge).toBeLessThanOrEqual(3602);
    expect(await first.get("meta")).toBeUndefined();
    const second = await tenantClient(worker.url, ADMIN_TOKEN, schools[1] as string);
    const pickle = await second.get("report.pkl");
    expect(Buffer.from(pickle?.value ?? [])).toEqual(PICKLE_PROTOCOL_4);
    expect(pickle?.contentType).toBe("application/x-python-pickle");
    const recorded = JSON.parse(readFileSync(state, "utf8")) as { completed: boolean; totals: { copied: number; unmapped: number } };
    expect(recorded).toMatchObject({ completed: true, totals: { copied: 7, unmapped: 1 } });

    // A rerun of a finished migration does nothing.
    const again = await run(["--from", legacy.url, map, "--match", `${prefix}:*`, "--create-tenants", "--state", state]);
    expect(again.stderr).toContain("this migration is complete");

    const verified = await run(["verify", "--from", legacy.url, map, "--match", `${prefix}:*`]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toMatch(/7 keys compared .* 7 match byte for byte/);
    await redis.set(`${prefix}:school:${schools[0]}:doc/1`, "changed behind the copy's back", "EX", 600);
    const mismatch = await run(["verify", "--from", legacy.url, map, "--match", `${prefix}:*`]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/doc\/1.*bytes differ/);
  });

  it("decodes zlib on request, converts structures to JSON, keeps keys without TTL on the default, skips expired ones", async () => {
    const tenant = `market-${unique()}`;
    const prefix = `cache:${tenant}`;
    const document = { symbol: "AAPL", closes: [1.5, 2.25] };
    await redis.set(`${prefix}:AAPL:2026-12-01`, deflateSync(Buffer.from(JSON.stringify(document))));
    await redis.set(`${prefix}:MSFT:2026-12-01`, JSON.stringify({ small: true }), "PX", 90_000);
    await redis.set(`${prefix}:GONE:2026-12-01`, "expired", "PX", 1);
    await redis.zadd(`${prefix}:lru:index`, 1, "AAPL", 2, "MSFT");
    await new Promise((done) => setTimeout(done, 5));
    const argv = [
      "--from",
      legacy.url,
      "--match",
      `${prefix}:*`,
      "--tenant",
      tenant,
      "--create-tenants",
      "--decode",
      "zlib",
      "--convert",
      "json",
    ];
    const result = await run([...argv, "--default-ttl", "7200", "--state", join(stateDir(), "s.json")]);
    expect(result.code, result.stderr).toBe(0);
    const client = await tenantClient(worker.url, ADMIN_TOKEN, tenant);
    const decoded = await client.get(`${prefix}:AAPL:2026-12-01`);
    expect(decoded?.json()).toEqual(document);
    expect(decoded?.contentType).toBe("application/json");
    expect(decoded?.maxAge).toBeGreaterThan(7100);
    expect((await client.get(`${prefix}:MSFT:2026-12-01`))?.maxAge).toBeLessThanOrEqual(90);
    expect(await client.get(`${prefix}:GONE:2026-12-01`)).toBeUndefined();
    expect((await client.get(`${prefix}:lru:index`))?.json()).toEqual([
      ["AAPL", 1],
      ["MSFT", 2],
    ]);
  });

  it("stops at a window boundary when interrupted and resumes from its state file without copying twice", async () => {
    const tenant = `resume-${unique()}`;
    const prefix = `flat:${tenant}`;
    const pipeline = redis.pipeline();
    for (let i = 0; i < 3000; i++) pipeline.set(`${prefix}:${i}`, `value ${i}`, "EX", 3600);
    await pipeline.exec();
    const tenant2 = tenant;
    const state2 = join(stateDir(), "state.json");
    const argv2 = ["--from", legacy.url, "--match", `${prefix}:*`, "--tenant", tenant2, "--create-tenants", "--state", state2];
    const interrupted = new AbortController();
    const watcher = setInterval(() => {
      try {
        const saved = JSON.parse(readFileSync(state2, "utf8")) as { totals: { copied: number } };
        if (saved.totals.copied > 0) interrupted.abort();
      } catch {
        // Not written yet.
      }
    }, 1);
    const partial = await run([...argv2, "--rate", "4000"], { windowKeys: 200, signal: interrupted.signal });
    clearInterval(watcher);
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain("Run the same command again to carry on");
    const afterStop = JSON.parse(readFileSync(state2, "utf8")) as { completed: boolean; totals: { copied: number } };
    expect(afterStop.completed).toBe(false);
    expect(afterStop.totals.copied).toBeGreaterThan(0);
    expect(afterStop.totals.copied).toBeLessThan(3000);

    const resumed = await run(argv2, { windowKeys: 200 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain("resuming from");
    const done = JSON.parse(readFileSync(state2, "utf8")) as { completed: boolean; totals: { copied: number } };
    // Every key once: what the first run committed plus what the second copied, no more.
    expect(done).toMatchObject({ completed: true, totals: { copied: 3000 } });
    const client = await tenantClient(worker.url, ADMIN_TOKEN, tenant2);
    const sample = await client.batch({ get: [`${prefix}:0`, `${prefix}:1499`, `${prefix}:2999`] });
    expect(sample.get.map((got) => (got.status === "hit" ? got.text() : got.status))).toEqual(["value 0", "value 1499", "value 2999"]);
  });

  it("follows changes after the copy until stopped: new values, deletes and expiries reach edge-cache", async () => {
    const tenant = `follow-${unique()}`;
    const prefix = `live:${tenant}`;
    await redis.set(`${prefix}:a`, "one", "EX", 600);
    await redis.set(`${prefix}:b`, "two", "EX", 600);
    const stop = new AbortController();
    const argv = [
      "--from",
      legacy.url,
      "--match",
      `${prefix}:*`,
      "--tenant",
      tenant,
      "--create-tenants",
      "--follow",
      "--state",
      join(stateDir(), "s.json"),
    ];
    let following = false;
    const running = run(argv, { signal: stop.signal, onStderr: (text) => (following ||= text.includes("following changes")) });
    await expect.poll(() => following, { timeout: 10_000 }).toBe(true);
    const client = await tenantClient(worker.url, ADMIN_TOKEN, tenant);
    expect((await client.get(`${prefix}:a`))?.text()).toBe("one");

    await redis.set(`${prefix}:a`, "one, changed", "EX", 600);
    await redis.del(`${prefix}:b`);
    await redis.set(`${prefix}:c`, "three", "EX", 600);
    await redis.hset(`${prefix}:h`, { f: "v" });
    // Outside --match: notifications report it, the copy leaves it alone.
    const elsewhere = `live:elsewhere-${unique()}`;
    await redis.set(elsewhere, "not part of this migration");
    const read = async (key: string) => (await client.batch({ get: [key] })).get[0];
    await expect
      .poll(async () => {
        const got = await read(`${prefix}:a`);
        return got?.status === "hit" ? got.text() : got?.status;
      })
      .toBe("one, changed");
    await expect.poll(async () => (await read(`${prefix}:b`))?.status).toBe("miss");
    await expect.poll(async () => (await read(`${prefix}:c`))?.status).toBe("hit");
    expect((await read(elsewhere))?.status).toBe("miss");
    stop.abort();
    const result = await running;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/stopped following: \d+ keys updated, 1 deleted/);
  });

  it("names what is wrong with bad input, and writes nothing", async () => {
    const unreachable = await run(["--from", "redis://127.0.0.1:1", "--tenant", "x", "--dry-run"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("redis://127.0.0.1:1");
    const badTemplate = await run(["--from", legacy.url, "--map", "cache:{tenant:{key}", "--dry-run"]);
    expect(badTemplate.code).toBe(2);
    expect(badTemplate.stderr).toContain("cache:{tenant:{key}");
    const unknown = await run(["--from", legacy.url, "--tenant", `nobody-${unique()}`, "--match", "nothing:*"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/tenant nobody-.* does not exist/);

    const state = join(stateDir(), "state.json");
    const tenant = `state-${unique()}`;
    await redis.set(`st:${tenant}:k`, "v");
    const first = await run(["--from", legacy.url, "--match", `st:${tenant}:*`, "--tenant", tenant, "--create-tenants", "--state", state]);
    expect(first.code, first.stderr).toBe(0);
    const other = await run(["--from", `${legacy.url}/3`, "--match", `st:${tenant}:*`, "--tenant", tenant, "--state", state]);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/records a migration with another source/);

    // A value over the deployment's MAX_VALUE_BYTES (64 KiB here) is reported, not truncated or sent.
    const big = `big-${unique()}`;
    await redis.set(`${big}:huge`, Buffer.alloc(70 * 1024, 1));
    await redis.set(`${big}:small`, "fits");
    const oversized = await run([
      "--from",
      legacy.url,
      "--match",
      `${big}:*`,
      "--tenant",
      big,
      "--create-tenants",
      "--state",
      join(stateDir(), "s"),
    ]);
    expect(oversized.code, oversized.stderr).toBe(0);
    expect(oversized.stderr).toMatch(/oversized/i);
    const client = await tenantClient(worker.url, ADMIN_TOKEN, big);
    expect(await client.get(`${big}:huge`)).toBeUndefined();
    expect((await client.get(`${big}:small`))?.text()).toBe("fits");
    // A narrow MATCH in a database of thousands of other keys: verify still compares every key it can.
    const verified = await run(["verify", "--from", legacy.url, "--match", `${big}:*`, "--tenant", big, "--sample", "10"]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toMatch(/1 keys compared \(from 2 read\), 1 match byte for byte/);
  });
});
