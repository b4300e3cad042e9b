import { randomUUID } from "node:crypto";
import { relative, sep } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchChromium } from "../helpers/node/chromium";
import type { ClientOutcomes, ExerciseConfig, Outcome } from "./package/consumer-outcomes";
import { exerciseInNode } from "./package/node-consumer";
import { type InstalledClient, installPackedClient } from "./package/packed-client";
import { clientPageHtml, exerciseInPage } from "./package/page-consumer";
import { type ServedApi, serveApi } from "./package/served-api";
import { type StaticSite, serveStaticSite } from "./package/static-site";
import { createTenant, issueToken, storeText } from "./package/tenant-admin";
import { typeCheckConsumer } from "./package/typed-consumer";

const PACKAGE_NAME = "@edge-cache/client";
const STORED_KEY = "greeting/en";
const STORED_TEXT = "hello from the packed client";
const MISSING_KEY = `never-written-${randomUUID()}`;

let installed: InstalledClient;
let api: ServedApi;
let browser: Browser;
/** The page whose origin the browser token is bound to, and another that nothing allows. */
let boundSite: StaticSite;
let otherSite: StaticSite;
let serverReadToken: string;
let browserReadToken: string;

beforeAll(async () => {
  // Chromium first: without it the test fails at once, saying what to install.
  browser = await launchChromium();
  installed = await installPackedClient();
  api = await serveApi({ url: inject("gatewayUrl"), token: inject("gatewayToken") });
  const html = clientPageHtml(PACKAGE_NAME, installedModuleUrl(installed));
  boundSite = await serveStaticSite(installed.projectDir, html);
  otherSite = await serveStaticSite(installed.projectDir, html);

  const tenant = `client-package-${randomUUID().slice(0, 8)}`;
  await createTenant(api, tenant);
  await storeText(api, await issueToken(api, tenant, { name: "seed", scopes: ["write"] }), STORED_KEY, STORED_TEXT);
  serverReadToken = await issueToken(api, tenant, { name: "server", scopes: ["read"] });
  browserReadToken = await issueToken(api, tenant, { name: "storefront", scopes: ["read"], allowedOrigins: [boundSite.origin] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await boundSite?.close();
  await otherSite?.close();
  await api?.dispose();
  installed?.dispose();
});

/** The URL path of the file the installed package's "exports" names for `import`, as the site serves the project. */
function installedModuleUrl(client: InstalledClient): string {
  const entry = (client.manifest.exports?.["."] as { import?: string } | undefined)?.import;
  if (!entry) throw new Error(`${PACKAGE_NAME} exports no "import" entry: ${JSON.stringify(client.manifest.exports)}`);
  return `/${relative(client.projectDir, client.packageDir).split(sep).join("/")}/${entry.replace(/^\.\//, "")}`;
}

function config(token: string): ExerciseConfig {
  return { baseUrl: api.url, token, storedKey: STORED_KEY, missingKey: MISSING_KEY };
}

/** The outcome's value, or a failure that shows the error the consumer caught. */
function resolvedValue<T>(outcome: Outcome<T>): T {
  if (outcome.error) expect.fail(`the call rejected: ${JSON.stringify(outcome.error)}`);
  return outcome.value as T;
}

describe(`${PACKAGE_NAME}: npm pack, then npm install into a project of its own`, () => {
  it("packs the bundle, its declarations and the README, and depends on nothing", () => {
    expect(installed.packedFiles).toEqual(expect.arrayContaining(["README.md", "dist/index.d.ts", "dist/index.js", "package.json"]));
    for (const file of installed.packedFiles) expect(file).toMatch(/^(dist\/[\w-]+\.(js|d\.ts)|package\.json|README\.md)$/);
    expect(installed.manifest).toMatchObject({
      name: PACKAGE_NAME,
      type: "module",
      types: "./dist/index.d.ts",
      exports: { ".": { types: "./dist/index.d.ts", import: "./dist/index.js" } },
    });
    expect(installed.manifest.dependencies).toBeUndefined();
  });

  it("type-checks a TypeScript consumer against the installed declarations", async () => {
    await expect(typeCheckConsumer(installed.projectDir)).resolves.toBe("");
  });
});

const consumers: { name: string; run: () => Promise<ClientOutcomes> }[] = [
  { name: "Node, importing it by its name", run: () => exerciseInNode(installed.projectDir, config(serverReadToken)) },
  {
    name: "a page in Chromium on the origin its read token is bound to (cross-origin to the API)",
    run: () => exerciseInPage(browser, `${boundSite.origin}/`, config(browserReadToken)),
  },
];

describe.each(consumers)(`${PACKAGE_NAME} from $name`, ({ run }) => {
  let outcomes: ClientOutcomes;

  beforeAll(async () => {
    outcomes = await run();
  }, 60_000);

  it("reads a stored key", () => {
    expect(resolvedValue(outcomes.hit)).toMatchObject({ text: STORED_TEXT, notModified: false, contentType: "text/plain; charset=utf-8" });
    expect(resolvedValue(outcomes.hit)?.etag).toMatch(/^(W\/)?".+"$/);
  });

  it("reports a miss as undefined", () => {
    expect(resolvedValue(outcomes.miss)).toBe("undefined");
  });

  it("answers a conditional read with the stored ETag as not modified, without the bytes", () => {
    expect(resolvedValue(outcomes.conditional)).toEqual({ notModified: true, etag: resolvedValue(outcomes.hit)?.etag, hasBytes: false });
  });

  it("rejects a write with the read token with the package's EdgeCacheError", () => {
    expect(outcomes.forbiddenWrite.error).toEqual({
      isEdgeCacheError: true,
      name: "EdgeCacheError",
      code: "insufficient_scope",
      status: 403,
    });
  });
});

describe(`${PACKAGE_NAME} from a page on an origin the token is not bound to`, () => {
  it("gets nothing: every call fails as the browser fails a refused cross-origin request, never with an answer", async () => {
    const outcomes = await exerciseInPage(browser, `${otherSite.origin}/`, config(browserReadToken));
    const refused = { isEdgeCacheError: false, name: "TypeError" };
    expect(outcomes).toEqual({
      hit: { error: refused },
      miss: { error: refused },
      conditional: { error: refused },
      forbiddenWrite: { error: refused },
    });
  });

  it("is refused by the API itself, while the bound origin is echoed for CORS", async () => {
    const read = (origin: string) =>
      fetch(`${api.url}/v1/cache/${encodeURIComponent(STORED_KEY)}`, {
        headers: { Authorization: `Bearer ${browserReadToken}`, Origin: origin },
      });
    const refused = await read(otherSite.origin);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("origin_not_allowed");
    const allowed = await read(boundSite.origin);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(boundSite.origin);
    await allowed.body?.cancel();
  });
});
