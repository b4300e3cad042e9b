import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stripVTControlCharacters } from "node:util";
import getPort from "get-port";
import { type ProcessInfo, processTree, survivors } from "./process-table.ts";

const root = resolve(import.meta.dirname, "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");

/** What `npm start` printed once the worker answered. */
export interface Banner {
  url: string;
  store: string;
  /** Only with a local Redis. */
  gateway?: string;
  /** `redis://127.0.0.1:<port>`, only with a local Redis. */
  redis?: string;
  demoToken: string;
  adminToken: string;
}

export interface NpmStart {
  child: ChildProcess;
  pid: number;
  port: number;
  /** Resolves with the banner; rejects when the process exits first or the time runs out. */
  banner: Promise<Banner>;
  /**
   * Resolves once wrangler says it is ready, its inspector port bound (or once the banner is out,
   * or the run failed): two wranglers starting together may both pick the same free inspector port.
   */
  wranglerReady: Promise<void>;
  /** Resolves when the start process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last of what it printed, for failure messages. */
  output(): string;
}

/**
 * `npm start` as a terminal would run it, minus npm: `tsx dev/start.ts` leading a process group of
 * its own (the terminal's foreground group), on a free port.
 */
export async function spawnNpmStart(env: Record<string, string | undefined>, options: { bannerTimeoutMs: number }): Promise<NpmStart> {
  const port = await getPort({ host: "127.0.0.1" });
  const child = spawn(tsx, ["dev/start.ts"], {
    cwd: root,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...withoutStoreChoice(process.env), ...env, PORT: String(port), WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  let markReady = () => {};
  const wranglerReady = new Promise<void>((resolveReady) => {
    markReady = resolveReady;
  });
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const banner = new Promise<Banner>((resolveBanner, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`${why}:\n${tail(output)}`));
    };
    const timer = setTimeout(() => fail(`no banner within ${options.bannerTimeoutMs} ms`), options.bannerTimeoutMs);
    const collect = (text: string) => {
      output = (output + stripVTControlCharacters(text)).slice(-64 * 1024);
      if (/Ready on http/.test(output)) markReady();
      // The banner is one console.log; its admin token line is the last one parsed.
      if (/^ {2}admin token {2}.+\n/m.test(output)) {
        clearTimeout(timer);
        resolveBanner(parseBanner(output));
      } else if (/\[ERROR\] Build failed/.test(output)) {
        // wrangler keeps running, waiting for a fix: no banner is coming.
        fail("wrangler could not build the worker");
      }
    };
    child.stdout?.setEncoding("utf8").on("data", collect);
    child.stderr?.setEncoding("utf8").on("data", collect);
    void exited.then(({ code, signal }) => fail(`npm start exited (${code ?? signal}) before its banner`));
  });
  // Rejections are awaited by the tests; keep an unobserved one from failing the whole run.
  banner.catch(() => {});
  void banner.finally(markReady).catch(() => {});
  return { child, pid: child.pid as number, port, banner, wranglerReady, exited, output: () => output };
}

export function parseBanner(text: string): Banner {
  const field = (label: string) => new RegExp(`^ {2}${label} +(\\S.*)$`, "m").exec(text)?.[1];
  const firstWord = (value: string | undefined) => value?.split(/\s+/)[0];
  const url = firstWord(field("URL"));
  const store = field("store");
  const demoToken = firstWord(field("demo token"));
  const adminToken = firstWord(field("admin token"));
  if (!url || !store || !demoToken || !adminToken) throw new Error(`incomplete banner:\n${tail(text)}`);
  const gateway = firstWord(field("gateway"));
  const redis = firstWord(field("redis"));
  return { url, store, demoToken, adminToken, ...(gateway ? { gateway } : {}), ...(redis ? { redis } : {}) };
}

/** Every process of this run right now: the start process and all below it (none once it exited). */
export function snapshotProcesses(run: NpmStart): ProcessInfo[] {
  // Once reaped, its pid may belong to someone else.
  const running = run.child.exitCode === null && run.child.signalCode === null;
  return running ? processTree(run.pid) : [];
}

/** Polls until no process of `snapshot` (or of its process groups) is left, or the time runs out. */
export async function waitForNoSurvivors(snapshot: ProcessInfo[], timeoutMs: number): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = survivors(snapshot);
    if (left.length === 0 || Date.now() > deadline) return left;
    await sleep(200);
  }
}

/** Last resort after a failed test: SIGKILL whatever is left of this run, and only of this run. */
export async function killRun(run: NpmStart, snapshot: ProcessInfo[] = []): Promise<void> {
  for (const proc of survivors([...snapshot, ...snapshotProcesses(run)])) {
    try {
      process.kill(proc.pid, "SIGKILL");
    } catch {
      // Gone meanwhile.
    }
  }
  await Promise.race([run.exited, sleep(5000, undefined, { ref: false })]);
}

export interface AdminRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args> --url <url>` with the admin token in EDGE_CACHE_ADMIN_TOKEN. */
export function runAdminCli(banner: Banner, args: string[]): Promise<AdminRun> {
  return new Promise((resolveRun) => {
    execFile(
      tsx,
      ["tools/admin/main.ts", ...args, "--url", banner.url],
      { cwd: root, timeout: 30_000, env: { ...process.env, EDGE_CACHE_ADMIN_TOKEN: banner.adminToken } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolveRun({ code, stdout, stderr });
      },
    );
  });
}

function withoutStoreChoice(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { EDGE_CACHE_STORE: _store, PORT: _port, ...rest } = env;
  return rest;
}

function tail(text: string): string {
  return text.split("\n").slice(-40).join("\n");
}
