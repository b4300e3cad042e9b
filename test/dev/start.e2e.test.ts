import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRealUpstash, isSet, readDevVars } from "../../dev/start/dev-vars.ts";
import { launchChromium } from "../helpers/node/chromium.ts";
import {
  type Banner,
  killRun,
  type NpmStart,
  runAdminCli,
  snapshotProcesses,
  spawnNpmStart,
  waitForNoSurvivors,
} from "./npm-start-process.ts";
import { isListening, type ProcessInfo } from "./process-table.ts";

// `npm start` end to end: real wrangler dev, workerd, redis-server and gateway, stopped by signal.
// Three runs, started overlapping; on a 2-core box the first wrangler build takes a while.
const BANNER_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;
const STOP_TEST_TIMEOUT_MS = 2 * STOP_TIMEOUT_MS + 10_000;
const CLI_TEST_TIMEOUT_MS = 60_000;

const devVars = readDevVars(resolve(import.meta.dirname, "../../.dev.vars"));

interface Run {
  start: NpmStart;
  banner: Banner;
  /**
   * Its processes: seen when the banner came out and again just before the stop signal. What must
   * be gone after the stop, and what the last-resort cleanup kills, even once orphaned.
   */
  snapshot: ProcessInfo[];
}

const runs: Partial<Record<"redis" | "memory" | "ctrlC", Run>> = {};
const starting: NpmStart[] = [];

beforeAll(async () => {
  if (hasRealUpstash(devVars)) {
    // npm start prefers that database to a local Redis: these tests would write to it.
    throw new Error("start.e2e needs .dev.vars without a real UPSTASH_REDIS_REST_URL/TOKEN (npm start would use that database)");
  }
  const modes = { redis: {}, memory: { EDGE_CACHE_STORE: "memory" }, ctrlC: {} } as const;
  const entries = Object.entries(modes) as [keyof typeof modes, Record<string, string>][];
  const started: NpmStart[] = [];
  for (const [, env] of entries) {
    const start = await spawnNpmStart(env, { bannerTimeoutMs: BANNER_TIMEOUT_MS });
    starting.push(start);
    started.push(start);
    // The next one starts once this wrangler holds its inspector port; the rest overlaps.
    await start.wranglerReady;
  }
  const banners = await Promise.all(started.map((start) => start.banner));
  entries.forEach(([name], i) => {
    const banner = banners[i]!;
    // With ADMIN_TOKEN in .dev.vars the banner names the file instead of printing the token.
    const adminToken = isSet(devVars, "ADMIN_TOKEN") ? (devVars.ADMIN_TOKEN as string) : banner.adminToken;
    runs[name] = { start: started[i]!, banner: { ...banner, adminToken }, snapshot: snapshotProcesses(started[i]!) };
  });
}, BANNER_TIMEOUT_MS + 30_000);

afterAll(async () => {
  await Promise.all(starting.map((start) => killRun(start, Object.values(runs).find((run) => run.start === start)?.snapshot)));
}, 30_000);

function run(name: keyof typeof runs): Run {
  const found = runs[name];
  if (!found) throw new Error(`npm start (${name}) did not start`);
  return found;
}

function bearer(token: string, init: RequestInit = {}): RequestInit {
  return { ...init, headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain", ...init.headers } };
}

async function healthOf(banner: Banner): Promise<Record<string, unknown>> {
  const response = await fetch(`${banner.url}/health`);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  return response.json();
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** Sends the signal, then waits for every process of the run to be gone; returns what is left. */
async function stopRun(current: Run, signal: NodeJS.Signals, target: "process" | "group"): Promise<ProcessInfo[]> {
  current.snapshot = [...current.snapshot, ...snapshotProcesses(current.start)];
  process.kill(target === "group" ? -current.start.pid : current.start.pid, signal);
  const exit = await Promise.race([current.start.exited, sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
  const ended = `how the start process ended after ${signal} (undefined: still running); its last output:\n${current.start.output().slice(-2000)}`;
  expect(exit, ended).toEqual({ code: 0, signal: null });
  return waitForNoSurvivors(current.snapshot, STOP_TIMEOUT_MS);
}

/** Memory-only tenants live in the worker's isolate: a reload (a source file saved) forgets them. */
function reloadHint(start: NpmStart): string {
  return /Reloading local server/.test(start.output()) ? "wrangler reloaded the worker during the test (a source file changed)" : "";
}

function commandsOf(snapshot: ProcessInfo[]): string {
  return snapshot.map((proc) => proc.command).join("\n");
}

async function expectNothingListening(banner: Banner): Promise<void> {
  const ports = [banner.url, banner.gateway, banner.redis].filter((url) => url !== undefined).map(portOf);
  for (const port of ports) expect(await isListening(port), `port ${port}`).toBe(false);
}

/** The README's quick-start requests, as a reader pastes them: the block after "with the banner's demo token:". */
function quickStartRequests(): string[] {
  const readme = readFileSync(resolve(import.meta.dirname, "../../README.md"), "utf8");
  const block = /with the\s+banner's demo token:\s+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: no quick-start request block after "with the banner\'s demo token:"');
  return block.split("\n").filter((line) => line.startsWith("curl "));
}

describe("the README's quick start against npm start", () => {
  it("runs its curl lines as written, with the banner's demo token: a write, its read and /health", async () => {
    const { banner } = run("redis");
    const lines = quickStartRequests();
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const outputs = lines.map((line) =>
      execFileSync(
        "bash",
        ["-c", `set -o pipefail; ${line.replaceAll("http://localhost:8787", banner.url)} --fail-with-body --silent --show-error`],
        {
          env: { ...process.env, TOKEN: banner.demoToken },
          encoding: "utf8",
        },
      ),
    );
    expect(JSON.parse(outputs[0] as string)).toMatchObject({ stored: "redis" });
    expect(outputs[1]).toBe("hello");
    expect(JSON.parse(outputs[2] as string)).toMatchObject({ status: "ok", store: "redis" });
  });
});

describe("npm start's API reference (/docs)", () => {
  it("lists every operation, loaded from the Worker's own assets with the network to anything else blocked, under a strict CSP", async () => {
    const { banner } = run("memory");
    const document = (await (await fetch(`${banner.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(document.paths).flatMap((path) => Object.keys(path).filter((method) => method !== "parameters"));
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      const elsewhere: string[] = [];
      await context.route("**/*", (route) => {
        if (new URL(route.request().url()).origin === banner.url) return route.continue();
        elsewhere.push(route.request().url());
        return route.abort("blockedbyclient");
      });
      const page = await context.newPage();
      const refused: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/.test(message.text())) refused.push(message.text());
      });
      const response = await page.goto(`${banner.url}/docs`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toMatch(/^default-src 'none'; script-src 'self';/);
      await page.waitForSelector(".opblock", { timeout: 20_000 });
      const listed = await page.$$eval(".opblock", (blocks) => blocks.length);
      const paths = await page.$$eval("[data-path]", (elements) => elements.map((element) => element.getAttribute("data-path")));
      expect(listed).toBe(operations.length);
      expect(paths).toContain("/v1/cache/{key}");
      expect(elsewhere).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

describe("npm run admin against npm start", () => {
  const tenant = `e2e-${Date.now().toString(36)}`;
  let writer: string;
  let reader: { token: string; id: string };

  it(
    "creates a tenant and issues tokens, printing them as JSON",
    async () => {
      const { banner } = run("redis");
      const created = await runAdminCli(banner, ["tenant", "create", tenant, "--name", "E2E tenant", "--rate", "1000/60"]);
      expect(created, created.stderr).toMatchObject({ code: 0 });
      expect(JSON.parse(created.stdout)).toMatchObject({ id: tenant, name: "E2E tenant", status: "active" });

      const [writeIssue, readIssue] = await Promise.all([
        runAdminCli(banner, ["token", "issue", tenant, "--scopes", "read,write", "--name", "writer"]),
        runAdminCli(banner, ["token", "issue", tenant, "--scopes", "read", "--name", "reader"]),
      ]);
      expect(writeIssue.code, writeIssue.stderr).toBe(0);
      expect(readIssue.code, readIssue.stderr).toBe(0);
      writer = JSON.parse(writeIssue.stdout).token;
      reader = JSON.parse(readIssue.stdout);
      expect(reader).toMatchObject({ tenant, scopes: ["read"], token: expect.stringMatching(/^ec_/), id: expect.any(String) });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it("lets a read-only token read but refuses its writes with 403 insufficient_scope", async () => {
    const { banner } = run("redis");
    const url = `${banner.url}/v1/cache/shared-key`;
    expect((await fetch(url, bearer(writer, { method: "PUT", body: "from the writer" }))).status).toBe(201);

    const read = await fetch(url, bearer(reader.token));
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("from the writer");

    const write = await fetch(url, bearer(reader.token, { method: "PUT", body: "from the reader" }));
    expect(write.status).toBe(403);
    expect(await write.json()).toMatchObject({ error: { code: "insufficient_scope" } });
  });

  it(
    "refuses a token revoked through the CLI within TOKEN_CACHE_SECONDS, and only that token",
    async () => {
      const { banner } = run("redis");
      const url = `${banner.url}/v1/cache/shared-key`;
      const revoked = await runAdminCli(banner, ["token", "revoke", tenant, reader.id]);
      expect(revoked, revoked.stderr).toMatchObject({ code: 0 });

      // TOKEN_CACHE_SECONDS defaults to 5: the bound on how long another isolate may still accept it.
      const deadline = Date.now() + 7_000;
      let status = 0;
      while (Date.now() < deadline) {
        status = (await fetch(url, bearer(reader.token))).status;
        if (status === 401) break;
        await sleep(250);
      }
      expect(status).toBe(401);
      const refused = await fetch(url, bearer(reader.token));
      expect(await refused.json()).toMatchObject({ error: { code: "token_revoked" } });
      expect((await fetch(url, bearer(writer))).status).toBe(200);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "reports an unknown tenant as the API's error, with a non-zero exit",
    async () => {
      const missing = await runAdminCli(run("redis").banner, ["token", "list", "no-such-tenant"]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/404 not_found/);
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe.each([
  {
    mode: "with a local Redis (the default)",
    name: "redis" as const,
    store: "redis",
    health: { status: "ok", store: "redis", redis: { reachable: true, circuit: "closed" } },
    bannerStore: /local Redis through the Upstash-compatible gateway/,
    put: { status: 201, stored: "redis" },
    processes: [/redis-server/, /wrangler/, /workerd/],
  },
  {
    mode: "memory-only (EDGE_CACHE_STORE=memory)",
    name: "memory" as const,
    store: "memory",
    health: { status: "ok", store: "memory" },
    bannerStore: /^memory only/,
    put: { status: 202, stored: "memory" },
    processes: [/wrangler/, /workerd/],
  },
])("npm start $mode", ({ name, store, health, bannerStore, put, processes }) => {
  it("prints a banner with the URL, the store and working demo and admin tokens", () => {
    const { banner, start } = run(name);
    expect(banner.url).toBe(`http://127.0.0.1:${start.port}`);
    expect(banner.store).toMatch(bannerStore);
    expect(banner.demoToken).toMatch(/^ec_/);
    if (store === "redis") {
      expect(banner.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
      expect(banner.redis).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } else {
      expect(banner).not.toHaveProperty("gateway");
      expect(banner).not.toHaveProperty("redis");
    }
  });

  it("lets the banner's admin token manage tenants, the seeded demo tenant among them", async () => {
    const { banner } = run(name);
    const response = await fetch(`${banner.url}/admin/tenants`, { headers: { Authorization: `Bearer ${banner.adminToken}` } });
    expect(response.status).toBe(200);
    const { tenants } = (await response.json()) as { tenants: { id: string }[] };
    expect(tenants.map((tenant) => tenant.id)).toContain("demo");
  });

  it(`answers GET /health with store "${store}"`, async () => {
    expect(await healthOf(run(name).banner)).toMatchObject(health);
  });

  it(`stores with the demo token (${put.status} ${put.stored}) and reads the value back`, async () => {
    const { banner } = run(name);
    const written = await fetch(`${banner.url}/v1/cache/hello`, bearer(banner.demoToken, { method: "PUT", body: "world" }));
    expect(written.status, reloadHint(run(name).start)).toBe(put.status);
    expect(await written.json()).toMatchObject({ stored: put.stored });
    const read = await fetch(`${banner.url}/v1/cache/hello`, bearer(banner.demoToken));
    expect(read.status).toBe(200);
    expect(await read.text()).toBe("world");
  });

  it(
    "stops wrangler, workerd, the gateway and Redis on SIGINT to the start process, leaving no process",
    async () => {
      const current = run(name);
      const left = await stopRun(current, "SIGINT", "process");
      // The snapshot must hold what we expect to see stopped, or "nothing left" proves nothing.
      for (const command of processes) expect(commandsOf(current.snapshot)).toMatch(command);
      expect(left).toEqual([]);
      await expectNothingListening(current.banner);
    },
    STOP_TEST_TIMEOUT_MS,
  );
});

describe("npm start, Ctrl-C in a terminal", () => {
  it(
    "stops everything when SIGINT reaches the whole foreground process group, redis-server included",
    async () => {
      const current = run("ctrlC");
      expect(await healthOf(current.banner)).toMatchObject({ store: "redis" });
      const left = await stopRun(current, "SIGINT", "group");
      expect(commandsOf(current.snapshot)).toMatch(/redis-server/);
      expect(commandsOf(current.snapshot)).toMatch(/workerd/);
      expect(left).toEqual([]);
      await expectNothingListening(current.banner);
    },
    STOP_TEST_TIMEOUT_MS,
  );
});
