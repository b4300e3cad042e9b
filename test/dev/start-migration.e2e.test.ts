import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Banner, killRun, type NpmStart, snapshotProcesses, spawnNpmStart } from "./npm-start-process.ts";
import type { ProcessInfo } from "./process-table.ts";

// `L2_MIGRATION_PHASE=dual-write npm start`: a live move between two local databases, tried the way
// a user would, phase by phase, without losing what was written.
const BANNER_TIMEOUT_MS = 90_000;
const PHASE_SWITCH_TIMEOUT_MS = 60_000;

describe("npm start with L2_MIGRATION_PHASE: a local move between two databases", () => {
  let start: NpmStart;
  let banner: Banner;
  let snapshot: ProcessInfo[] = [];

  beforeAll(async () => {
    start = await spawnNpmStart({ L2_MIGRATION_PHASE: "dual-write" }, { bannerTimeoutMs: BANNER_TIMEOUT_MS });
    banner = await start.banner;
    snapshot = snapshotProcesses(start);
  }, BANNER_TIMEOUT_MS + 10_000);
  afterAll(async () => {
    if (start) await killRun(start, [...snapshot, ...snapshotProcesses(start)]);
  }, 30_000);

  const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
  });
  const health = async () => (await (await fetch(`${banner.url}/health`)).json()) as { store: string; migration: { phase: string } | null };
  const status = async () =>
    (await (await fetch(`${banner.url}/admin/l2-migration`, bearer(banner.adminToken))).json()) as {
      phase: string;
      backfill: { done: boolean } | null;
    };
  const read = async (key: string) => {
    const response = await fetch(`${banner.url}/v1/cache/${key}`, bearer(banner.demoToken));
    return { status: response.status, body: await response.text() };
  };

  /** Asks the start process for the next phase, as the banner says, and waits until the worker runs in it. */
  async function nextPhase(expected: string): Promise<void> {
    const pid = Number(/kill -USR2 (\d+)/.exec(start.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGUSR2");
    const deadline = Date.now() + PHASE_SWITCH_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const phase = await health()
        .then((report) => report.migration?.phase)
        .catch(() => undefined);
      if (phase === expected) return;
      await sleep(250);
    }
    throw new Error(`npm start did not reach phase ${expected}:\n${start.output().slice(-2000)}`);
  }

  it("starts two local databases and the worker in dual-write, and says so", async () => {
    expect(start.output()).toMatch(/next gateway +http:\/\/127\.0\.0\.1:\d+/);
    expect(start.output()).toMatch(/L2 move +phase dual-write/);
    expect(await health()).toMatchObject({ store: "redis", migration: { phase: "dual-write" } });
  });

  it(
    "moves phase by phase to new-only with every acknowledged write still served",
    async () => {
      const written = await fetch(`${banner.url}/v1/cache/moved`, bearer(banner.demoToken, { method: "PUT", body: "with me" }));
      expect(written.status).toBe(201);
      // The cron trigger runs the backfill (wrangler dev's test route).
      expect((await fetch(`${banner.url}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
      expect((await status()).backfill?.done).toBe(true);

      await nextPhase("read-new");
      expect(await read("moved")).toEqual({ status: 200, body: "with me" });
      await nextPhase("new-only");
      expect(await read("moved")).toEqual({ status: 200, body: "with me" });
      expect((await status()).phase).toBe("new-only");
    },
    3 * PHASE_SWITCH_TIMEOUT_MS,
  );
});
