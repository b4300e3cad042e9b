/**
 * `npm start`: the worker under `wrangler dev`, with a throwaway Redis and the Upstash-compatible
 * gateway as its L2 when redis-server is installed, memory-only otherwise.
 *
 *   PORT                worker port (default 8787)
 *   EDGE_CACHE_STORE    `memory` skips Redis entirely
 *   L2_MIGRATION_PHASE  try a live move between two databases: a second local Redis is started as
 *                       the new one, and `n` / `p` (or SIGUSR2: next) restart the worker in the
 *                       next or previous phase on the same two databases, as a redeploy would
 *
 * `.dev.vars` is read, never written: a real UPSTASH_REDIS_REST_URL/TOKEN there is used instead
 * of a local Redis, and ADMIN_TOKEN / TOKEN_PEPPER there win over the generated ones. Once the
 * worker answers, a "demo" tenant is created through the admin API and its token printed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createAdminClient, seedTenant } from "../tools/admin/admin-client.ts";
import { stopChild } from "./child-process.ts";
import { isRedisServerAvailable } from "./redis/availability.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { renderBanner } from "./start/banner.ts";
import { readDevVars } from "./start/dev-vars.ts";
import { waitForHealth } from "./start/health.ts";
import { type MigrationPhase, MigrationPhaseError, requestedPhase, stepPhase } from "./start/migration-phases.ts";
import { chooseStoreMode, type StoreMode, StoreModeError } from "./start/store-mode.ts";
import { workerVars } from "./start/worker-vars.ts";
import { wranglerDevArgs } from "./start/wrangler-args.ts";

const root = resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 8787);
const url = `http://127.0.0.1:${port}`;

const requestedStore = process.env.EDGE_CACHE_STORE;
const devVars = readDevVars(resolve(root, ".dev.vars"));
const mode = chooseModeOrExit();
let phase = chooseMigrationOrExit();

let stack: LocalStack | undefined;
let nextStack: LocalStack | undefined;
let wrangler: ChildProcess | undefined;
let shuttingDown = false;
let restarting = false;

async function shutDown(exitCode: number): Promise<never> {
  if (!shuttingDown) {
    shuttingDown = true;
    // wrangler leads its own process group (workerd and esbuild run under it): stop all of it.
    if (wrangler) await stopChild(wrangler, { group: true });
    await nextStack?.stop();
    await stack?.stop();
  }
  process.exit(exitCode);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void shutDown(0));
}

if (mode.kind === "local-redis") {
  stack = await startLocalStack();
  // The database a local move goes to: a second throwaway Redis behind its own gateway.
  if (phase) nextStack = await startLocalStack();
}
const { vars, adminToken, adminTokenGenerated } = workerVars({
  mode,
  requestedStore,
  devVars,
  gateway: stack?.gateway,
  ...(phase && { migration: { phase, ...(nextStack && { next: nextStack.gateway }) } }),
});

function launchWrangler(): ChildProcess {
  const child = spawn(resolve(root, "node_modules/.bin/wrangler"), wranglerDevArgs({ port, vars }), {
    cwd: root,
    // Its own process group, so one signal reaches workerd too; no stdin, as it is not in the
    // terminal's foreground group.
    detached: true,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  child.once("exit", (code) => {
    if (!shuttingDown && !restarting) {
      console.error(`wrangler dev exited (${code ?? "signal"}); stopping.`);
      void shutDown(code ?? 1);
    }
  });
  return child;
}

wrangler = launchWrangler();
const wranglerRunning = () => wrangler?.exitCode === null && wrangler.signalCode === null;

if (await waitForHealth(url, { stillStarting: wranglerRunning })) {
  const local = stack && {
    gatewayUrl: stack.gateway.url,
    redisUrl: stack.redis.url,
    ...(nextStack && { next: { gatewayUrl: nextStack.gateway.url, redisUrl: nextStack.redis.url } }),
  };
  // The demo tenant goes through the admin API, as any tenant would: the CLI's own client.
  const demo = await seedTenant(createAdminClient({ url, adminToken }), "demo", ["read", "write", "manage"]).catch((error: unknown) => {
    console.error(`Could not seed the demo tenant: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  console.log(
    renderBanner({
      url,
      mode,
      demoToken: demo?.token,
      adminToken: adminTokenGenerated ? adminToken : undefined,
      local,
      migrationPhase: phase,
    }),
  );
  if (phase) listenForPhaseChanges();
} else if (wranglerRunning()) {
  console.error(`The worker has not answered ${url}/health yet; wrangler is still running.`);
}

/** Redeploys locally: the worker restarts in another phase, on the same two databases and secrets. */
async function switchPhase(direction: 1 | -1): Promise<void> {
  if (!phase || restarting || shuttingDown) return;
  const target = stepPhase(phase, direction);
  if (target === phase) return;
  restarting = true;
  try {
    console.log(`\nL2_MIGRATION_PHASE ${phase} -> ${target}: restarting the worker on the same two databases...`);
    if (wrangler) await stopChild(wrangler, { group: true });
    phase = target;
    vars.L2_MIGRATION_PHASE = target;
    wrangler = launchWrangler();
    if (await waitForHealth(url, { stillStarting: wranglerRunning }))
      console.log(`edge-cache is running in phase ${target} (${url}/health shows it).`);
  } finally {
    restarting = false;
  }
}

function listenForPhaseChanges(): void {
  process.on("SIGUSR2", () => void switchPhase(1));
  if (!process.stdin.isTTY) return;
  process.stdin.setRawMode(true);
  process.stdin.setEncoding("utf8").on("data", (key: string) => {
    // Raw mode turns Ctrl-C into a character rather than SIGINT.
    if (key === "\u0003") void shutDown(0);
    else if (key === "n") void switchPhase(1);
    else if (key === "p") void switchPhase(-1);
  });
}

function chooseMigrationOrExit(): MigrationPhase | undefined {
  try {
    const requested = requestedPhase(process.env.L2_MIGRATION_PHASE);
    if (requested && mode.kind === "memory") {
      throw new MigrationPhaseError(
        `L2_MIGRATION_PHASE=${requested} needs an L2 to move: install redis-server, or set UPSTASH_* in .dev.vars`,
      );
    }
    return requested;
  } catch (error) {
    if (!(error instanceof MigrationPhaseError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

function chooseModeOrExit(): StoreMode {
  try {
    return chooseStoreMode({ requestedStore, devVars, redisServerAvailable: isRedisServerAvailable() });
  } catch (error) {
    if (!(error instanceof StoreModeError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
