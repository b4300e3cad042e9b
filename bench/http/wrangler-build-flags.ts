import { readFileSync } from "node:fs";

/**
 * How wrangler bundles edge-cache, from wrangler.toml's top-level `minify` (default false) and
 * `keep_names` (default true: esbuild's keepNames), so the comparison workers can be bundled the
 * same way. Only `flag = true|false` lines before the first table are understood.
 */
export function readWranglerBuildFlags(path: string): { minify: boolean; keepNames: boolean } {
  const flags = new Map<string, string>();
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) break;
    const match = /^([a-z_]+)\s*=\s*(true|false)\b/.exec(line);
    if (match) flags.set(match[1] as string, match[2] as string);
  }
  return { minify: flags.get("minify") === "true", keepNames: flags.get("keep_names") !== "false" };
}
