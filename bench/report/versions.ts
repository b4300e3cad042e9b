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
  return versions;
}
