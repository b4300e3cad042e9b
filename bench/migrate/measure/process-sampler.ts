import { cpus } from "node:os";
import { processCpuMs } from "../../http/process-cpu.ts";
import { machineTicks, statusKiB } from "./proc-readings.ts";

/** A process whose CPU is read through a copy. */
export interface WatchedProcess {
  /** What it is in the report: "CLI", "workerd", "gateway", … */
  name: string;
  pid: number;
}

export interface ProcessCpu {
  name: string;
  /** CPU seconds (user + system) during the copy. */
  cpuSeconds: number;
  /** cpuSeconds over the copy's wall time: 1.0 is one core busy the whole time. */
  cores: number;
  /** The busiest sampling interval's share of a core. */
  peakCores: number;
}

export interface SampledRun {
  wallSeconds: number;
  processes: ProcessCpu[];
  /** Cores busy, every process on the machine counted (the harness's, and anyone else's). */
  machineCores: number | undefined;
  cpus: number;
  /** The CLI's resident memory over time: [seconds since start, MiB], at most ~60 points. */
  cliRssMiB: [number, number][];
}

/**
 * Reads each watched process's CPU time (and the CLI's VmRSS) every `intervalMs` while a copy runs.
 * A process that exits keeps its last reading, so the CLI's final second may be missed here: its
 * exact total comes from its exit report.
 */
export class ProcessSampler {
  readonly #processes: WatchedProcess[];
  readonly #rssPid: number;
  readonly #started = performance.now();
  readonly #startMachine = machineTicks();
  readonly #first: (number | undefined)[];
  readonly #last: (number | undefined)[];
  readonly #peak: number[];
  readonly #rss: [number, number][] = [];
  #lastAt = performance.now();
  readonly #timer: NodeJS.Timeout;

  constructor(processes: WatchedProcess[], options: { intervalMs: number; rssPid: number }) {
    this.#processes = processes;
    this.#rssPid = options.rssPid;
    this.#first = processes.map((p) => processCpuMs(p.pid));
    this.#last = [...this.#first];
    this.#peak = processes.map(() => 0);
    this.#timer = setInterval(() => this.#sample(), options.intervalMs);
  }

  #sample(): void {
    const now = performance.now();
    const elapsedMs = now - this.#lastAt;
    this.#lastAt = now;
    this.#processes.forEach((p, i) => {
      const cpu = processCpuMs(p.pid);
      if (cpu === undefined) return;
      const previous = this.#last[i];
      if (previous !== undefined && elapsedMs > 0) this.#peak[i] = Math.max(this.#peak[i] ?? 0, (cpu - previous) / elapsedMs);
      this.#last[i] = cpu;
    });
    const rss = statusKiB(this.#rssPid, "VmRSS");
    if (rss !== undefined) this.#rss.push([(now - this.#started) / 1000, rss / 1024]);
  }

  stop(): SampledRun {
    clearInterval(this.#timer);
    this.#sample();
    const wallSeconds = (performance.now() - this.#started) / 1000;
    const end = machineTicks();
    const start = this.#startMachine;
    const cores = cpus().length;
    return {
      wallSeconds,
      processes: this.#processes.map((p, i) => {
        const cpuSeconds = ((this.#last[i] ?? 0) - (this.#first[i] ?? 0)) / 1000;
        return { name: p.name, cpuSeconds, cores: cpuSeconds / wallSeconds, peakCores: this.#peak[i] ?? 0 };
      }),
      machineCores: start && end && end.total > start.total ? ((end.busy - start.busy) / (end.total - start.total)) * cores : undefined,
      cpus: cores,
      cliRssMiB: thin(this.#rss, 60),
    };
  }
}

function thin<T>(points: T[], most: number): T[] {
  if (points.length <= most) return points;
  const step = points.length / most;
  return Array.from({ length: most }, (_, i) => points[Math.floor(i * step)] as T).concat(points.slice(-1));
}
