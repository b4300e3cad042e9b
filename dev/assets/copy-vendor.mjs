// Copies the API reference's pinned Swagger UI files from node_modules into the Worker's static
// assets (public/vendor/, git-ignored). wrangler runs it before `wrangler dev` and `wrangler deploy`
// ([build] in wrangler.toml); the test setup runs it too. Plain JavaScript: it runs before anything
// is compiled. A file already up to date is left alone, so wrangler's watcher sees no change.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";

const FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];

export function copyVendorAssets(repoRoot = resolve(import.meta.dirname, "../..")) {
  const require = createRequire(join(repoRoot, "package.json"));
  const source = dirname(require.resolve("swagger-ui-dist/package.json"));
  const target = join(repoRoot, "public/vendor/swagger-ui");
  mkdirSync(target, { recursive: true });
  let copied = 0;
  for (const file of FILES) {
    const bytes = readFileSync(join(source, file));
    const to = join(target, file);
    if (sameBytes(to, bytes)) continue;
    writeFileSync(to, bytes);
    copied += 1;
  }
  return { target, copied };
}

function sameBytes(path, bytes) {
  try {
    return readFileSync(path).equals(bytes);
  } catch {
    return false;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) copyVendorAssets();
