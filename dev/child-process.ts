import type { ChildProcess } from "node:child_process";
import { once } from "node:events";

export interface StopChildOptions {
  /** How long the child gets to exit after SIGTERM before it is killed outright. @default 3000 */
  graceMs?: number;
  /**
   * Signal the child's whole process group (it must have been spawned with `detached: true`), so
   * grandchildren such as workerd under wrangler go too.
   * @default false
   */
  group?: boolean;
}

/** True while the child has neither exited nor been reaped. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Sends `signal` to the child, or to its process group; a child already gone is not an error. */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals, options: { group?: boolean } = {}): void {
  if (child.pid === undefined) return;
  try {
    if (options.group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // ESRCH: it exited between the check and the signal.
  }
}

/** SIGTERM, then SIGKILL after the grace period; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, options: StopChildOptions = {}): Promise<void> {
  const { graceMs = 3000, group = false } = options;
  if (!isRunning(child)) return;
  const exited = once(child, "exit");
  signalChild(child, "SIGTERM", { group });
  const timer = setTimeout(() => signalChild(child, "SIGKILL", { group }), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
  // The leader may exit before the rest of its group; make sure nothing of it is left behind.
  if (group) signalChild(child, "SIGKILL", { group });
}
