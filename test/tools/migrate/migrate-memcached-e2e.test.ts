import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningMemcached, startMemcached } from "../../../dev/memcached/launcher.ts";
import { MemcachedClient } from "../../../tools/migrate/sources/memcached-client.ts";
import { PICKLE_PROTOCOL_0, PICKLE_PROTOCOL_4 } from "./legacy-values.ts";
import { migrate, startWorker, stateDir, tenantClient } from "./migrate-stack.ts";

// Report cache A on Memcached (`rvu:{kind}:{id}`, pickled values marked by pymemcache's flag 1, a
// default TTL of an hour), copied by the CLI into the bundled Worker in Miniflare. Each test has
// a memcached of its own: the dump lists everything the server holds.
const ADMIN_TOKEN = `admin-${crypto.randomUUID()}`;
let worker: { url: string; dispose(): Promise<void> };
const servers: RunningMemcached[] = [];

beforeAll(async () => {
  worker = await startWorker(ADMIN_TOKEN);
});

afterAll(async () => {
  await Promise.all([worker?.dispose(), ...servers.map((server) => server.stop())]);
});

async function seededMemcached(keys: number): Promise<RunningMemcached> {
  const server = await startMemcached();
  servers.push(server);
  const client = await MemcachedClient.connect({ host: server.host, port: server.port, description: server.url });
  await client.set("rvu:report:pickle4", PICKLE_PROTOCOL_4, { flags: 1, exptime: 3600 });
  await client.set("rvu:report:pickle0", PICKLE_PROTOCOL_0, { flags: 1, exptime: 3600 });
  for (let i = 0; i < keys; i++) await client.set(`rvu:row:${i}`, `{"row":${i}}`, { exptime: 3600 });
  await client.close();
  return server;
}

const run = (argv: string[], options?: Parameters<typeof migrate>[3]) => migrate(worker.url, ADMIN_TOKEN, argv, options);

describe("npm run migrate from Memcached", () => {
  it("copies every key the metadump lists, pickles as binary with their TTLs, and verifies byte for byte", async () => {
    const server = await seededMemcached(50);
    const tenant = `reports-${crypto.randomUUID().slice(0, 8)}`;
    const argv = ["--from", server.url, "--map", "rvu:{key}", "--tenant", tenant];
    const dry = await run([...argv, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(new RegExp(`${tenant}\\s+52`));

    const state = join(stateDir(), "state.json");
    const copied = await run([...argv, "--create-tenants", "--state", state]);
    expect(copied.code, copied.stderr).toBe(0);
    const client = await tenantClient(worker.url, ADMIN_TOKEN, tenant);
    const pickle = await client.get("report:pickle0");
    expect(Buffer.from(pickle?.value ?? [])).toEqual(PICKLE_PROTOCOL_0);
    // Protocol 0 is ASCII: only the client's flag says it is a pickle.
    expect(pickle?.contentType).toBe("application/x-python-pickle");
    expect(pickle?.maxAge).toBeGreaterThan(3500);
    expect((await client.get("row:7"))?.json()).toEqual({ row: 7 });

    const verified = await run(["verify", ...argv]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stderr).toMatch(/52 keys compared .* 52 match/);
  });

  it("resumes an interrupted copy by skipping the keys it committed, since the dump has no cursor", async () => {
    const server = await seededMemcached(1500);
    const tenant = `rows-${crypto.randomUUID().slice(0, 8)}`;
    const state = join(stateDir(), "state.json");
    const argv = ["--from", server.url, "--map", "rvu:{key}", "--tenant", tenant, "--create-tenants", "--state", state];
    const interrupted = new AbortController();
    const watcher = setInterval(() => {
      try {
        if ((JSON.parse(readFileSync(state, "utf8")) as { totals: { copied: number } }).totals.copied > 0) interrupted.abort();
      } catch {
        // Not written yet.
      }
    }, 1);
    const partial = await run([...argv, "--rate", "3000"], { windowKeys: 200, signal: interrupted.signal });
    clearInterval(watcher);
    expect(partial.code, partial.stderr).toBe(1);
    const stopped = JSON.parse(readFileSync(state, "utf8")) as { totals: { copied: number } };
    expect(stopped.totals.copied).toBeLessThan(1502);
    expect(statSync(`${state}.keys`).size).toBe(stopped.totals.copied * 8);

    const resumed = await run(argv, { windowKeys: 200 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const done = JSON.parse(readFileSync(state, "utf8")) as { completed: boolean; totals: { copied: number } };
    expect(done).toMatchObject({ completed: true, totals: { copied: 1502 } });
    const client = await tenantClient(worker.url, ADMIN_TOKEN, tenant);
    const got = await client.batch({ get: ["row:0", "row:1499", "report:pickle4"] });
    expect(got.get.map((entry) => entry.status)).toEqual(["hit", "hit", "hit"]);
  });
});
