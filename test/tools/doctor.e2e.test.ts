import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRealUpstash, isSet, readDevVars } from "../../dev/start/dev-vars.ts";
import type { CheckResult } from "../../tools/doctor/check-result.ts";
import type { DoctorReport } from "../../tools/doctor/report.ts";
import { readDeclaredCrons } from "../../tools/doctor/wrangler-crons.ts";
import { type Banner, killRun, type NpmStart, snapshotProcesses, spawnNpmStart, waitForNoSurvivors } from "../dev/npm-start-process.ts";
import type { ProcessInfo } from "../dev/process-table.ts";

// `npm run doctor` against real `npm start` runs: wrangler dev (--test-scheduled), workerd, and
// with Redis, redis-server behind the Upstash-compatible gateway. Two runs, started overlapping.
const BANNER_TIMEOUT_MS = 90_000;
const DOCTOR_TEST_TIMEOUT_MS = 60_000;

const root = resolve(import.meta.dirname, "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");
const devVars = readDevVars(resolve(root, ".dev.vars"));
const TENANT_TOKEN_SHAPE = /ec_[0-9A-Za-z]{40}_[0-9A-Za-z]{6}/;

interface Run {
  start: NpmStart;
  banner: Banner;
  snapshot: ProcessInfo[];
}

const runs: Partial<Record<"redis" | "memory", Run>> = {};
const starting: NpmStart[] = [];
/** Everything every doctor run printed, to search for tokens. */
const printed: string[] = [];

beforeAll(async () => {
  if (hasRealUpstash(devVars)) {
    throw new Error("doctor e2e needs .dev.vars without a real UPSTASH_REDIS_REST_URL/TOKEN (npm start would use that database)");
  }
  const modes = { redis: {}, memory: { EDGE_CACHE_STORE: "memory" } } as const;
  const names = Object.keys(modes) as (keyof typeof modes)[];
  const started: NpmStart[] = [];
  for (const name of names) {
    const start = await spawnNpmStart(modes[name], { bannerTimeoutMs: BANNER_TIMEOUT_MS });
    starting.push(start);
    started.push(start);
    // The next one starts once this wrangler holds its inspector port; the rest overlaps.
    await start.wranglerReady;
  }
  const banners = await Promise.all(started.map((start) => start.banner));
  names.forEach((name, i) => {
    const banner = banners[i] as Banner;
    // With ADMIN_TOKEN in .dev.vars the banner names the file instead of printing the token.
    const adminToken = isSet(devVars, "ADMIN_TOKEN") ? (devVars.ADMIN_TOKEN as string) : banner.adminToken;
    const start = started[i] as NpmStart;
    runs[name] = { start, banner: { ...banner, adminToken }, snapshot: snapshotProcesses(start) };
  });
}, BANNER_TIMEOUT_MS + 30_000);

afterAll(async () => {
  // Ctrl-C as a terminal sends it, then whatever is left of each run is killed.
  for (const run of Object.values(runs)) {
    run.snapshot = [...run.snapshot, ...snapshotProcesses(run.start)];
    try {
      process.kill(-run.start.pid, "SIGINT");
    } catch {
      // Already gone.
    }
  }
  await Promise.all(
    starting.map(async (start) => {
      const run = Object.values(runs).find((candidate) => candidate.start === start);
      await Promise.race([start.exited, sleep(20_000, undefined, { ref: false })]);
      await waitForNoSurvivors(run?.snapshot ?? [], 5000);
      await killRun(start, run?.snapshot);
    }),
  );
}, 60_000);

function run(name: keyof typeof runs): Run {
  const found = runs[name];
  if (!found) throw new Error(`npm start (${name}) did not start`);
  return found;
}

interface DoctorRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run doctor -- --url <url> …` with the admin token in EDGE_CACHE_ADMIN_TOKEN (none when undefined). */
function runDoctor(banner: Banner, adminToken: string | undefined, args: string[] = []): Promise<DoctorRun> {
  const { ADMIN_TOKEN: _admin, EDGE_CACHE_ADMIN_TOKEN: _edge, ...env } = process.env;
  return new Promise((resolveRun) => {
    execFile(
      tsx,
      ["tools/doctor/main.ts", "--url", banner.url, ...args],
      { cwd: root, timeout: 45_000, env: { ...env, ...(adminToken === undefined ? {} : { EDGE_CACHE_ADMIN_TOKEN: adminToken }) } },
      (error, stdout, stderr) => {
        printed.push(stdout, stderr);
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}

async function doctorReport(banner: Banner, adminToken: string | undefined): Promise<{ code: number; report: DoctorReport }> {
  const result = await runDoctor(banner, adminToken, ["--json"]);
  expect(result.stderr).toBe("");
  return { code: result.code, report: JSON.parse(result.stdout) as DoctorReport };
}

function checkOf(report: DoctorReport, id: string): CheckResult {
  const found = report.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no ${id} check in ${JSON.stringify(report)}`);
  return found;
}

async function admin(banner: Banner, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${banner.url}${path}`, { ...init, headers: { Authorization: `Bearer ${banner.adminToken}`, ...init.headers } });
}

async function doctorTenants(banner: Banner): Promise<{ id: string; status: string }[]> {
  const response = await admin(banner, "/admin/tenants");
  expect(response.status).toBe(200);
  const { tenants } = (await response.json()) as { tenants: { id: string; status: string }[] };
  return tenants.filter((tenant) => tenant.id.startsWith("doctor-"));
}

async function fireCron(banner: Banner, cron: string): Promise<void> {
  const response = await fetch(`${banner.url}/__scheduled?cron=${encodeURIComponent(cron)}`);
  expect(response.status, await response.text()).toBe(200);
}

describe("npm run doctor against npm start with a local Redis", () => {
  it(
    "warns of declared cron triggers that never fired, with the curl that fires them, and fails nothing",
    async () => {
      const { banner } = run("redis");
      const { code, report } = await doctorReport(banner, banner.adminToken);
      expect(code).toBe(0);
      const crons = checkOf(report, "crons");
      expect(crons.status).toBe("warn");
      expect(crons.problems[0]?.fix).toContain(`curl '${banner.url}/__scheduled?cron=`);
    },
    DOCTOR_TEST_TIMEOUT_MS,
  );

  it(
    "passes every check once each declared cron trigger has fired, and exits 0",
    async () => {
      const { banner } = run("redis");
      for (const cron of readDeclaredCrons(resolve(root, "wrangler.toml"))) await fireCron(banner, cron);
      const { code, report } = await doctorReport(banner, banner.adminToken);
      const notOk = report.checks.filter((check) => check.status !== "ok");
      expect(notOk).toEqual([]);
      expect(code).toBe(0);
      expect(report.checks.map((check) => check.id)).toEqual([
        "health",
        "redis",
        "config",
        "admin-token",
        "clock",
        "admin-api",
        "round-trip",
        "crons",
      ]);
      expect(checkOf(report, "round-trip").summary).toMatch(
        /PUT 201 \(stored redis\), GET 200 same bytes, DELETE 204 .*; cleanup: tenant removed$/,
      );
    },
    DOCTOR_TEST_TIMEOUT_MS,
  );

  it("leaves no throwaway tenant behind: none listed, and nothing of one in Redis", async () => {
    const { banner } = run("redis");
    // The doctor runs above that got as far as the round trip, each with a tenant of its own.
    const ran = new Set(printed.join("\n").match(/doctor-[0-9a-f]{12}/g));
    expect(ran.size).toBeGreaterThanOrEqual(2);
    expect(await doctorTenants(banner)).toEqual([]);
    for (const id of ran) expect((await admin(banner, `/admin/tenants/${id}`)).status).toBe(404);

    const redis = new Redis(banner.redis as string, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", "*doctor-*", "COUNT", 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== "0");
      // Only the markers that turn away late stats flushes for an hour, and they expire on their own.
      const markers = keys.filter((key) => key.startsWith("ecsys:tenant-deleted:"));
      expect(keys.filter((key) => !markers.includes(key))).toEqual([]);
      for (const marker of markers) expect(await redis.ttl(marker)).toBeGreaterThan(0);
      const ofDoctor = (ids: string[]) => ids.filter((id) => id.startsWith("doctor-"));
      expect(ofDoctor(await redis.hkeys("ecsys:tenants"))).toEqual([]);
      expect(ofDoctor(await redis.hkeys("ecsys:tenant-purges"))).toEqual([]);
      expect(ofDoctor(await redis.zrange("ecsys:warm-due", "0", "-1"))).toEqual([]);
      expect(ofDoctor(await redis.zrange("ecsys:refresh-due", "0", "-1"))).toEqual([]);
      const tokens = (await redis.hvals("ecsys:tokens")).map((json) => (JSON.parse(json) as { tenant: string }).tenant);
      expect(tokens.length).toBeGreaterThan(0);
      expect(ofDoctor(tokens)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it(
    "fails the admin token check with its fix when the token is wrong, exits 1, and creates no tenant",
    async () => {
      const { banner } = run("redis");
      const before = await doctorTenants(banner);
      const wrong = `wrong-${"0".repeat(40)}`;
      const result = await runDoctor(banner, wrong);
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/^FAIL {2}admin token {4}refused: 401 unauthorized$/m);
      expect(result.stdout).toContain("fix:     set the deployment's token with `wrangler secret put ADMIN_TOKEN`");
      expect(result.stdout).toMatch(/^SKIP {2}round trip {5}the admin token was refused/m);
      expect(result.stdout).not.toContain(wrong);
      expect(await doctorTenants(banner)).toEqual(before);

      const none = await runDoctor(banner, undefined);
      expect(none.code).toBe(1);
      expect(none.stdout).toMatch(/^FAIL {2}admin token {4}no admin token in the environment$/m);
    },
    DOCTOR_TEST_TIMEOUT_MS,
  );
});

describe("npm run doctor against npm start memory-only (EDGE_CACHE_STORE=memory)", () => {
  it(
    "says Redis is off and cron ticks cannot be recorded, and still round-trips in memory",
    async () => {
      const { banner } = run("memory");
      const result = await runDoctor(banner, banner.adminToken);
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/^OK {4}health {9}ok; memory-only \(no Redis\)/m);
      expect(result.stdout).toMatch(/^WARN {2}redis {10}off: this deployment runs memory-only$/m);
      expect(result.stdout).toMatch(/^SKIP {2}cron triggers {2}memory-only: ticks cannot be recorded without Redis/m);
      expect(result.stdout).toMatch(/^OK {4}round trip {5}doctor-\w+: PUT 202 \(stored memory\).*; cleanup: tenant removed$/m);
    },
    DOCTOR_TEST_TIMEOUT_MS,
  );
});

describe("npm run doctor output", () => {
  it("never carried the admin token or a tenant token", () => {
    expect(printed.length).toBeGreaterThan(0);
    const all = printed.join("\n");
    for (const current of Object.values(runs)) expect(all).not.toContain(current.banner.adminToken);
    expect(all).not.toMatch(TENANT_TOKEN_SHAPE);
  });
});
