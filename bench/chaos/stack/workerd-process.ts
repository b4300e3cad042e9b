import { readdirSync, readFileSync } from "node:fs";

/**
 * workerd runs the worker as a child process of Miniflare (this process). There is no heap API
 * from outside an isolate; its resident set size is what can be measured.
 */

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is parenthesised and may hold spaces; fields after it are space separated.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** Pids of workerd processes descended from `root` (Linux /proc; empty elsewhere). */
export function findWorkerdPids(root: number = process.pid): number[] {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return [];
  }
  const descendsFromRoot = (pid: number): boolean => {
    for (let at: number | undefined = pid, hops = 0; at && hops < 8; hops++) {
      at = parentOf(at);
      if (at === root) return true;
    }
    return false;
  };
  return pids.filter((pid) => commandOf(pid) === "workerd" && descendsFromRoot(pid));
}

/** VmRSS of a process in bytes, undefined once it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
