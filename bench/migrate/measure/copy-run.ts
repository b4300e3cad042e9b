import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliRun, startCli } from "../cli/cli-process.ts";
import type { MigrateBenchOptions } from "../options.ts";
import { seedSource } from "../seed/seed-source.ts";
import { startMigrateStack } from "../stack/migrate-stack.ts";
import { countsSince, readRequestCounts, type WorkerRequestCounts } from "../stack/request-counter.ts";
import { type CliProfile, readCliProfile } from "./cli-profile.ts";
import { type L2Contents, readL2Contents } from "./l2-contents.ts";
import { ProcessSampler, type SampledRun } from "./process-sampler.ts";

/** One copy of `keys` legacy keys into a fresh edge-cache, as measured. */
export interface CopyRun {
  keys: number;
  seeding: { seconds: number; sourceUsedMemoryBytes: number };
  cli: {
    command: string;
    wallSeconds: number;
    /** From its exit report: VmHWM at exit, in MiB. */
    peakRssMiB: number | undefined;
    /** The highest VmRSS the sampler saw (a cross-check of the peak). */
    polledPeakRssMiB: number | undefined;
    /** From its exit report (exact), else the sampler's last reading. */
    cpuSeconds: number;
    /** Its last output: the migration report. */
    outputTail: string;
  };
  /** What reached the Worker while the CLI ran (the harness's own calls are outside it). */
  requests: WorkerRequestCounts;
  cpu: SampledRun;
  /** The CLI's state file once it finished. */
  state: { copied: number; completed: boolean; refused: number; expired: number };
  l2: L2Contents;
  /** Only for a profiled copy (whose timings are then not the measured ones). */
  cliProfile?: CliProfile;
}

/** The CLI stopped with an error: the benchmark reports it as it came, and works around nothing. */
export class CliFailedError extends Error {
  override readonly name = "CliFailedError";

  constructor(run: CliRun) {
    super(
      `the migration CLI exited with ${run.code ?? run.signal} after ${run.wallSeconds.toFixed(1)} s\n  command: ${run.command}\n  stderr (last part):\n${run.stderrTail}\n  stdout (last part):\n${run.stdoutTail}`,
    );
  }
}

const TENANT = "legacy";

export async function runCopy(
  repoRoot: string,
  scriptPath: string,
  keys: number,
  options: MigrateBenchOptions,
  log: (line: string) => void,
  copy: { profile: boolean } = { profile: false },
): Promise<CopyRun> {
  log(`${keys.toLocaleString("en-US")} keys: seeding the legacy redis-server`);
  const source = await seedSource(keys);
  const scratch = mkdtempSync(join(tmpdir(), "edge-cache-migrate-bench-"));
  const stack = await startMigrateStack(repoRoot, scriptPath, TENANT).catch(async (error: unknown) => {
    await source.redis.stop();
    throw error;
  });
  try {
    log(`${keys.toLocaleString("en-US")} keys: seeded in ${source.seconds.toFixed(1)} s; copying with the CLI`);
    const before = await readRequestCounts(stack.url);
    const statePath = join(scratch, "migrate-state.json");
    const args = [
      ...["--from", source.redis.url, "--tenant", TENANT, "--create-tenants", "--state", statePath],
      ...["--batch-size", String(options.batchSize), "--concurrency", String(options.concurrency), "--url", stack.url],
    ];
    const profileDir = join(scratch, "profile");
    const cli = startCli(
      repoRoot,
      args,
      { EDGE_CACHE_ADMIN_TOKEN: stack.adminToken },
      { exitReportPath: join(scratch, "exit-report.json"), nodeArgs: copy.profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [] },
    );
    const sampler = new ProcessSampler(
      [
        { name: "CLI", pid: cli.pid },
        { name: "workerd", pid: stack.worker.pid as number },
        { name: "gateway", pid: stack.gateway.pid },
        { name: "L2 redis-server", pid: stack.l2.pid },
        { name: "legacy redis-server", pid: source.redis.pid },
        { name: "harness", pid: process.pid },
      ],
      { intervalMs: options.sampleMs, rssPid: cli.pid },
    );
    const run = await cli.done;
    const cpu = sampler.stop();
    if (run.code !== 0) throw new CliFailedError(run);
    const requests = countsSince(before, await readRequestCounts(stack.url));
    const state = JSON.parse(readFileSync(statePath, "utf8")) as { completed: boolean; totals: Omit<CopyRun["state"], "completed"> };
    const l2 = await readL2Contents(stack.l2.url, TENANT);
    const polled = Math.max(0, ...cpu.cliRssMiB.map(([, mib]) => mib));
    const sampledCli = cpu.processes.find((p) => p.name === "CLI");
    const exitCpu = run.exit ? (run.exit.cpuUserMs + run.exit.cpuSystemMs) / 1000 : undefined;
    // The exit report's CPU is exact; the sampler may have missed the CLI's last interval.
    if (sampledCli && exitCpu !== undefined) {
      sampledCli.cpuSeconds = exitCpu;
      sampledCli.cores = exitCpu / cpu.wallSeconds;
    }
    return {
      keys,
      seeding: { seconds: source.seconds, sourceUsedMemoryBytes: source.usedMemoryBytes },
      cli: {
        command: run.command.replace(scratch, "$TMP"),
        wallSeconds: run.wallSeconds,
        peakRssMiB: run.exit?.peakRssKiB === undefined ? undefined : run.exit.peakRssKiB / 1024,
        polledPeakRssMiB: polled > 0 ? polled : undefined,
        cpuSeconds: exitCpu ?? sampledCli?.cpuSeconds ?? 0,
        outputTail: run.stderrTail.replaceAll(scratch, "$TMP").slice(-3000),
      },
      requests,
      cpu,
      state: {
        copied: state.totals.copied,
        completed: state.completed,
        refused: state.totals.refused,
        expired: state.totals.expired,
      },
      l2,
      ...(copy.profile ? { cliProfile: readCliProfile(profileDir, keys, run.wallSeconds) } : {}),
    };
  } finally {
    await stack.stop();
    await source.redis.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}
