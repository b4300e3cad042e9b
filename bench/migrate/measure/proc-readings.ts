import { readFileSync } from "node:fs";

/**
 * Memory and machine-wide CPU from /proc (Linux). bench/http/process-cpu.ts reads a process's own
 * CPU time; these add what a copy's report also needs. Elsewhere than Linux they return undefined.
 */

/** A `Vm…` line of /proc/<pid>/status in KiB (VmRSS: resident now; VmHWM: the peak so far). */
export function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Clock ticks of all CPUs since boot, and how many of them were busy (not idle, not waiting on I/O). */
export function machineTicks(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
    // cpu user nice system idle iowait irq softirq steal (guest time is already inside user)
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, n) => sum + n, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}
