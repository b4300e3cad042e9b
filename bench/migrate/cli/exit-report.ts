/**
 * Preloaded into the CLI's process (`node --import tsx --import …/exit-report.ts tools/migrate/main.ts`)
 * when EDGE_CACHE_BENCH_EXIT_REPORT names a file: as the process exits, it writes there its peak
 * resident memory and its CPU time. Once a process has exited, /proc no longer shows its memory,
 * and polling VmRSS from outside can miss a peak between two polls; VmHWM read here misses nothing.
 * The CLI's code is untouched: this only listens for `exit`.
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface ExitReport {
  code: number;
  /** VmHWM of /proc/self/status: the peak resident set, in KiB (undefined off Linux). */
  peakRssKiB: number | undefined;
  /** getrusage's ru_maxrss, in KiB: the same peak, as the kernel accounts it. */
  maxRssKiB: number;
  cpuUserMs: number;
  cpuSystemMs: number;
}

const path = process.env.EDGE_CACHE_BENCH_EXIT_REPORT;
if (path) {
  process.on("exit", (code) => {
    let peakRssKiB: number | undefined;
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
      peakRssKiB = match ? Number(match[1]) : undefined;
    } catch {
      peakRssKiB = undefined;
    }
    const cpu = process.cpuUsage();
    const report: ExitReport = {
      code,
      peakRssKiB,
      maxRssKiB: process.resourceUsage().maxRSS,
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
    };
    writeFileSync(path, JSON.stringify(report));
  });
}
