import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** `Z` for a zombie: exited, waiting to be reaped, holding nothing. */
  state: string;
  /** When it started, so a recycled pid is not taken for the same process; empty where unknown. */
  startTime: string;
  command: string;
}

/** Every process visible to this user: from /proc on Linux, from `ps` elsewhere (macOS). */
export function listProcesses(): ProcessInfo[] {
  return existsSync("/proc/self/stat") ? fromProc() : fromPs();
}

/** `root` and everything below it, by parent pid, in one snapshot. */
export function processTree(root: number, table: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const tree = table.filter((proc) => proc.pid === root);
  for (let i = 0; i < tree.length; i++) {
    const parent = tree[i]!.pid;
    tree.push(...table.filter((proc) => proc.ppid === parent && proc.pid !== root));
  }
  return tree;
}

/**
 * Processes of `snapshot` still running, and any other live process in one of its process groups
 * (something started after the snapshot was taken). Zombies hold no port, memory or file: gone.
 */
export function survivors(snapshot: ProcessInfo[], table: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const known = new Set(snapshot.map(identity));
  const groups = new Set(snapshot.map((proc) => proc.pgid));
  return table.filter((proc) => proc.state !== "Z" && (known.has(identity(proc)) || groups.has(proc.pgid)));
}

/** Whether anything accepts a TCP connection on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

function identity(proc: ProcessInfo): string {
  return `${proc.pid}@${proc.startTime}`;
}

function fromProc(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The name is in parentheses and may itself hold spaces or parentheses: split after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      table.push({
        pid: Number(entry),
        state: fields[0] ?? "?",
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        // Field 22 of stat; fields[] starts at field 3.
        startTime: fields[19] ?? "",
        command: cmdline || stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
      });
    } catch {
      // It exited while the table was read.
    }
  }
  return table;
}

function fromPs(): ProcessInfo[] {
  const text = execFileSync("ps", ["-A", "-o", "pid=,ppid=,pgid=,stat=,command="], { encoding: "utf8" });
  return text
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, pgid, state, command]) => ({
      pid: Number(pid),
      ppid: Number(ppid),
      pgid: Number(pgid),
      state: state!.slice(0, 1),
      startTime: "",
      command: command!,
    }));
}
