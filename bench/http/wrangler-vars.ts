import { readFileSync } from "node:fs";

/**
 * The `[vars]` table of wrangler.toml: the defaults a deployed edge-cache runs with. Miniflare,
 * driven directly, reads no wrangler.toml, so the harness passes them as bindings. Only the
 * `NAME = "value"` lines that table uses are understood.
 */
export function readWranglerVars(path: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let inVars = false;
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inVars = line === "[vars]";
      continue;
    }
    const match = inVars ? /^([A-Z0-9_]+)\s*=\s*"([^"]*)"/.exec(line) : null;
    if (match) vars[match[1] as string] = match[2] as string;
  }
  return vars;
}
