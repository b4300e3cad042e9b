import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildWithWrangler } from "../../bench/bundle/wrangler-build.ts";

const root = resolve(import.meta.dirname, "../..");
const outdir = mkdtempSync(join(tmpdir(), "edge-cache-deploy-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// Workers Free's limit on a script after compression; Paid allows 10 MB.
const FREE_PLAN_GZIP_LIMIT = 3 * 1024 * 1024;

describe("wrangler deploy --dry-run", () => {
  it("bundles the Worker as a deploy would, within Workers Free's size limit, without the docs' static assets", () => {
    const build = buildWithWrangler({ repoRoot: root, outdir });
    // The figure a deploy is checked against, in the test report on every run (bench/BUNDLE.md tracks it over time).
    console.log(
      `wrangler deploy --dry-run: ${(build.rawBytes / 1024).toFixed(1)} KiB raw, ${(build.gzipBytes / 1024).toFixed(1)} KiB gzip` +
        ` (wrangler: ${build.wranglerTotalKiB} KiB / gzip ${build.wranglerGzipKiB} KiB)`,
    );
    expect(build.gzipBytes).toBeLessThan(FREE_PLAN_GZIP_LIMIT);
    expect(build.wranglerGzipKiB).toBeGreaterThan(0);
    const bundle = readFileSync(build.scriptPath, "utf8");
    expect(bundle).not.toMatch(/SwaggerUIBundle|swagger-ui/);
    // The [build] step ran: the assets the deploy would upload beside the script are in place.
    expect(readFileSync(join(root, "public/vendor/swagger-ui/swagger-ui-bundle.js")).byteLength).toBeGreaterThan(100_000);
  }, 120_000);
});
