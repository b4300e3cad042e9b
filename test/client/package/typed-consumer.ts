import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runCommand } from "./run-command";

const TSC = resolve(import.meta.dirname, "../../../node_modules/typescript/bin/tsc");

// Node's own resolution (nodenext) of the package's "exports", as a TypeScript application
// without a bundler resolves it; the expect-error line fails the check if the types were `any`.
const CONSUMER = `import { type CacheEntry, createClient, EdgeCacheError, type NotModified } from "@edge-cache/client";

const cache = createClient({ baseUrl: "https://edge-cache.example", token: "ec_token" });

export async function read(): Promise<string | undefined> {
  const entry: CacheEntry | undefined = await cache.get("greeting");
  const again: CacheEntry | NotModified | undefined = await cache.get("greeting", { ifNoneMatch: entry?.etag ?? "" });
  return again?.notModified ? entry?.text() : again?.text();
}

export function codeOf(error: unknown): EdgeCacheError["code"] | undefined {
  return error instanceof EdgeCacheError ? error.code : undefined;
}

// @ts-expect-error codes are a closed union: a misspelt one does not compile
export const misspelt: EdgeCacheError["code"] = "insufficent_scope";
`;

const TSCONFIG = {
  compilerOptions: {
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom"],
    types: [],
    strict: true,
    noEmit: true,
  },
  files: ["consumer.ts"],
};

/** Type-checks a small TypeScript consumer in the project; resolves to tsc's output, rejects when it fails. */
export async function typeCheckConsumer(projectDir: string): Promise<string> {
  writeFileSync(join(projectDir, "consumer.ts"), CONSUMER);
  writeFileSync(join(projectDir, "tsconfig.json"), JSON.stringify(TSCONFIG));
  return runCommand(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: projectDir });
}
