import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * Seconds from spawn to exit of `node --import tsx tools/migrate/main.ts --help`: Node, tsx and the
 * CLI's modules loading, which every copy's wall clock includes. The best of three, so a moment of
 * other work on the machine does not count as start-up.
 */
export function measureCliStartup(repoRoot: string): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, ["--import", "tsx", join("tools", "migrate", "main.ts"), "--help"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    if (run.status !== 0) throw new Error(`edge-cache bench: the migration CLI's --help exited with ${run.status}:\n${run.stderr}`);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}
