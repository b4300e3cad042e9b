import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface PackageWeight {
  /** An npm package name, or the project folder (functions, shared) for our own code. */
  name: string;
  /** Bytes this package contributes to the bundle, as esbuild's metafile counts them. */
  bytesInOutput: number;
  share: number;
  modules: number;
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** The package an input path belongs to: the last node_modules segment wins (nested installs). */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return parts[0] === "." || parts[0] === ".." ? "(other)" : (parts[0] ?? "(other)");
  const scope = parts[at + 1] ?? "";
  return scope.startsWith("@") ? `${scope}/${parts[at + 2] ?? ""}` : scope;
}

/** Bytes of the worker's bundle per package, heaviest first, from the metafile wrangler wrote. */
export function packageWeights(repoRoot: string, metafilePath: string, scriptPath: string): PackageWeight[] {
  const meta = JSON.parse(readFileSync(metafilePath, "utf8")) as Metafile;
  // Metafile paths are relative to the directory wrangler ran in.
  const output = Object.entries(meta.outputs).find(([path]) => resolve(repoRoot, path) === resolve(scriptPath));
  if (!output) throw new Error(`edge-cache bench: ${scriptPath} is not among the metafile's outputs`);
  const totals = new Map<string, { bytes: number; modules: number }>();
  for (const [input, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const name = packageOf(input);
    const total = totals.get(name) ?? { bytes: 0, modules: 0 };
    total.bytes += bytesInOutput;
    total.modules++;
    totals.set(name, total);
  }
  const all = [...totals.values()].reduce((sum, t) => sum + t.bytes, 0);
  return [...totals]
    .map(([name, t]) => ({ name, bytesInOutput: t.bytes, share: t.bytes / all, modules: t.modules }))
    .sort((a, b) => b.bytesInOutput - a.bytesInOutput);
}
