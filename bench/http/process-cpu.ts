import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of a process, from /proc (Linux). On a machine shared with other work, req/s moves
 * with everyone else's load, but the CPU a worker spends per request barely does: it is the
 * steadier measure of how much work a request costs. Elsewhere than Linux these return undefined.
 */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm is in parentheses and may hold spaces; fields after it are space separated.
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    return { pid, comm, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

/** PIDs of this process's direct children whose command name is `comm`. */
export function childPids(comm: string): Set<number> {
  const pids = new Set<number>();
  if (!existsSync("/proc")) return pids;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat && stat.ppid === process.pid && stat.comm === comm) pids.add(stat.pid);
  }
  return pids;
}

/** CPU milliseconds the process has used so far, user and system. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  const stat = readStat(pid);
  return stat ? (stat.ticks * 1000) / TICKS_PER_SECOND : undefined;
}

/**
 * CPU milliseconds the process's threads have run so far, to the microsecond: the scheduler's
 * own count (`se.sum_exec_runtime` in /proc/<pid>/task/<tid>/sched), where `processCpuMs` counts
 * clock ticks (10 ms). For timing short blocks of work; falls back to `processCpuMs` where the
 * kernel does not expose it. A thread that has exited drops out of the sum.
 */
export function processCpuMsPrecise(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const match = /se\.sum_exec_runtime\s*:\s*([\d.]+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/sched`, "utf8"));
      if (!match) return processCpuMs(pid);
      total += Number(match[1]);
    }
    return total;
  } catch {
    return processCpuMs(pid);
  }
}
