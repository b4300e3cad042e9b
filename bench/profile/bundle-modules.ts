import { readFileSync } from "node:fs";

/**
 * Which source module each line of an unminified esbuild bundle came from: esbuild starts every
 * module's code with a `// <path>` comment. Lets a profile of the bundle be summed per package
 * (hono, zod…) and per folder of our own code (functions/…, shared/…).
 */
export interface ModuleIndex {
  moduleAt(line: number): string;
}

const MODULE_COMMENT = /^\/\/ ((?:node_modules\/)?[\w@.-]+\/[\w@./-]+\.(?:m?js|ts))$/;

export function indexBundle(scriptPath: string): ModuleIndex {
  const starts: { line: number; module: string }[] = [];
  readFileSync(scriptPath, "utf8")
    .split("\n")
    .forEach((text, index) => {
      const match = MODULE_COMMENT.exec(text);
      if (match) starts.push({ line: index, module: match[1] as string });
    });
  return {
    moduleAt(line) {
      let lo = 0;
      let hi = starts.length - 1;
      let found = "(bundle prelude)";
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const start = starts[mid] as { line: number; module: string };
        if (start.line <= line) {
          found = start.module;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    },
  };
}

/** A package name for node_modules paths, the first two folders for ours: `hono`, `functions/middleware`. */
export function groupOf(module: string): string {
  const parts = module.split("/");
  if (parts[0] === "node_modules") return parts[1]?.startsWith("@") ? `${parts[1]}/${parts[2]}` : (parts[1] ?? module);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? module);
}
