import type { CopyRun } from "../measure/copy-run.ts";

/** A single-threaded process this busy is at its ceiling: one more key per second needs more of a core. */
const SATURATED_PROCESS_CORES = 0.85;
/** The machine this busy has no CPU left to give any process. */
const SATURATED_MACHINE_SHARE = 0.9;

export interface Bottleneck {
  /** "machine" (every core busy), "process" (one process near a whole core) or "turns" (neither). */
  kind: "machine" | "process" | "turns";
  busiest: { name: string; cores: number; share: number };
  /** Batches the Worker was handling at a time, on average, of the `--concurrency` the CLI may send. */
  meanInFlight: number;
  sentence: string;
}

/**
 * What limited a copy, read from where the CPU went. Node, the gateway, redis-server and the
 * Worker's isolate each do their work on one thread, so one near a full core caps the copy on its
 * own; all cores busy cap it whoever uses them. With neither, the stages took turns instead of
 * overlapping: the batches in flight at the Worker, against the CLI's --concurrency, say how much.
 */
export function findBottleneck(run: CopyRun, concurrency: number): Bottleneck {
  const processes = [...run.cpu.processes].sort((a, b) => b.cores - a.cores);
  const ours = processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
  const top = processes[0] ?? { name: "none", cores: 0, cpuSeconds: 0 };
  const busiest = { name: top.name, cores: top.cores, share: ours > 0 ? top.cpuSeconds / ours : 0 };
  const machine = run.cpu.machineCores;
  const meanInFlight = run.requests.busyMs / 1000 / run.cli.wallSeconds;
  const ranked = processes
    .slice(0, 4)
    .map((p) => `${p.name} ${pct(p.cores)}`)
    .join(", ");
  const inFlight = `the Worker had ${meanInFlight.toFixed(1)} of the CLI's ${concurrency} batches in flight on average`;
  const busy = `busiest, of a core: ${ranked}; ${top.name} used ${pct(busiest.share)} of the CPU of the processes watched`;
  if (machine !== undefined && machine >= SATURATED_MACHINE_SHARE * run.cpu.cpus) {
    return {
      kind: "machine",
      busiest,
      meanInFlight,
      sentence: `both cores were busy (${machine.toFixed(2)} of ${run.cpu.cpus}): CPU-bound as a whole (${busy}); ${inFlight}`,
    };
  }
  if (top.cores >= SATURATED_PROCESS_CORES) {
    return {
      kind: "process",
      busiest,
      meanInFlight,
      sentence: `${top.name} was busy ${pct(top.cores)} of a core, its one thread's ceiling, with ${(run.cpu.cpus - (machine ?? 0)).toFixed(2)} cores idle (${busy}); ${inFlight}`,
    };
  }
  return {
    kind: "turns",
    busiest,
    meanInFlight,
    sentence: `no process was near a full core and the machine was ${machine === undefined ? "?" : machine.toFixed(2)} of ${run.cpu.cpus} cores busy, so the stages took turns rather than overlapping: ${inFlight} (${busy})`,
  };
}

export const pct = (share: number) => `${Math.round(share * 100)}%`;
