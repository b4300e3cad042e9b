import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(resolve(root, path), "utf8");

// The browser check is in start.e2e.test.ts; these hold without a browser.
describe("the API reference page (static assets)", () => {
  it("loads the Worker's OpenAPI document and nothing from another origin, under a strict CSP", () => {
    const page = read("public/docs.html");
    const references = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(references.length).toBeGreaterThan(2);
    for (const reference of references) expect(reference, reference).toMatch(/^\/[^/]/);
    expect(page).toMatch(/http-equiv="Content-Security-Policy"\s+content="default-src 'none'; script-src 'self';/);
    expect(read("public/docs.js")).toContain('url: "/openapi.json"');
  });

  it("is served with the vendor files of the Swagger UI version package.json pins, copied by the build", () => {
    const pinned = (JSON.parse(read("package.json")) as { devDependencies: Record<string, string> }).devDependencies["swagger-ui-dist"];
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    execFileSync(process.execPath, ["dev/assets/copy-vendor.mjs"], { cwd: root });
    const target = resolve(root, "public/vendor/swagger-ui");
    const installed = (JSON.parse(read("node_modules/swagger-ui-dist/package.json")) as { version: string }).version;
    expect(installed).toBe(pinned);
    expect(
      readFileSync(resolve(target, "swagger-ui-bundle.js")).equals(
        readFileSync(resolve(root, "node_modules/swagger-ui-dist/swagger-ui-bundle.js")),
      ),
    ).toBe(true);
    expect(read("wrangler.toml")).toMatch(/\[build\]\ncommand = "node dev\/assets\/copy-vendor\.mjs"/);
  });
});
