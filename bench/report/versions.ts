import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const PACKAGES = ["miniflare", "wrangler", "autocannon", "hono", "@upstash/redis", "@unkey/cache"] as const;

/** Installed versions of what the numbers depend on, read from node_modules (not the ranges in package.json). */
export function installedVersions(repoRoot: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of PACKAGES) {
    const manifest = JSON.parse(readFileSync(join(repoRoot, "node_modules", name, "package.json"), "utf8")) as { version: string };
    versions[name] = manifest.version;
  }
  // wrk prints its version on the first line of its usage: "wrk debian/4.1.0-3+b2 [epoll] ...".
  const wrk = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  const wrkVersion = /^wrk (\S+)/.exec(`${wrk.stdout ?? ""}${wrk.stderr ?? ""}`)?.[1];
  if (wrkVersion) versions.wrk = wrkVersion;
  return versions;
}
