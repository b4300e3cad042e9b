import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { renderBanner } from "../../dev/start/banner.ts";
import { hasRealUpstash, readDevVars } from "../../dev/start/dev-vars.ts";
import { chooseStoreMode, StoreModeError } from "../../dev/start/store-mode.ts";
import { workerVars } from "../../dev/start/worker-vars.ts";
import { wranglerDevArgs } from "../../dev/start/wrangler-args.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function devVarsFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "edge-cache-dev-vars-"));
  dirs.push(dir);
  const path = join(dir, ".dev.vars");
  writeFileSync(path, text);
  return path;
}

const realUpstash = { UPSTASH_REDIS_REST_URL: "https://eu1-fine-cat-1234.upstash.io", UPSTASH_REDIS_REST_TOKEN: "AX9aAAIjcD" };

describe("npm start: .dev.vars", () => {
  it("reads dotenv syntax with comments and quotes, and nothing when the file is missing", () => {
    const path = devVarsFile('# comment\nADMIN_TOKEN="quoted value"\nJSON_VAR={"t":"demo"}\n');
    expect(readDevVars(path)).toEqual({ ADMIN_TOKEN: "quoted value", JSON_VAR: '{"t":"demo"}' });
    expect(readDevVars(join(tmpdir(), "edge-cache-no-such-dir", ".dev.vars"))).toEqual({});
  });

  it("counts only a complete, non-placeholder Upstash pair as real", () => {
    expect(hasRealUpstash(realUpstash)).toBe(true);
    expect(hasRealUpstash({ ...realUpstash, UPSTASH_REDIS_REST_TOKEN: "" })).toBe(false);
    expect(hasRealUpstash({ UPSTASH_REDIS_REST_URL: "https://your-db.upstash.io", UPSTASH_REDIS_REST_TOKEN: "x" })).toBe(false);
    expect(hasRealUpstash({ ...realUpstash, UPSTASH_REDIS_REST_TOKEN: "replace-me" })).toBe(false);
  });
});

describe("npm start: store mode", () => {
  it("prefers memory when asked, then Upstash from .dev.vars, then a local Redis", () => {
    expect(chooseStoreMode({ requestedStore: "memory", devVars: realUpstash, redisServerAvailable: true }).kind).toBe("memory");
    expect(chooseStoreMode({ requestedStore: undefined, devVars: realUpstash, redisServerAvailable: true }).kind).toBe(
      "upstash-from-dev-vars",
    );
    expect(chooseStoreMode({ requestedStore: "auto", devVars: {}, redisServerAvailable: true }).kind).toBe("local-redis");
  });

  it("falls back to memory without redis-server, and says why", () => {
    const mode = chooseStoreMode({ requestedStore: undefined, devVars: {}, redisServerAvailable: false });
    expect(mode).toEqual({ kind: "memory", reason: expect.stringMatching(/redis-server/) });
  });

  it("refuses EDGE_CACHE_STORE=redis when there is no Redis to use", () => {
    expect(() => chooseStoreMode({ requestedStore: "redis", devVars: {}, redisServerAvailable: false })).toThrow(StoreModeError);
  });
});

describe("npm start: worker vars", () => {
  const gateway = { url: "http://127.0.0.1:4000", token: "gateway-token" };

  it("points the worker at the gateway and generates an admin token and a token pepper", () => {
    const { vars, adminToken, adminTokenGenerated } = workerVars({
      mode: { kind: "local-redis" },
      requestedStore: undefined,
      devVars: {},
      gateway,
    });
    expect(vars.UPSTASH_REDIS_REST_URL).toBe(gateway.url);
    expect(vars.UPSTASH_REDIS_REST_TOKEN).toBe(gateway.token);
    expect(adminToken.length).toBeGreaterThanOrEqual(32);
    expect(adminTokenGenerated).toBe(true);
    expect(vars.ADMIN_TOKEN).toBe(adminToken);
    expect(vars.TOKEN_PEPPER?.length).toBeGreaterThanOrEqual(32);
  });

  it("leaves the admin token and pepper set in .dev.vars alone, and seeds with that admin token", () => {
    const devVars = { ADMIN_TOKEN: "a".repeat(40), TOKEN_PEPPER: "p".repeat(40) };
    const { vars, adminToken, adminTokenGenerated } = workerVars({
      mode: { kind: "local-redis" },
      requestedStore: undefined,
      devVars,
      gateway,
    });
    expect(vars).not.toHaveProperty("ADMIN_TOKEN");
    expect(vars).not.toHaveProperty("TOKEN_PEPPER");
    expect(adminToken).toBe(devVars.ADMIN_TOKEN);
    expect(adminTokenGenerated).toBe(false);
  });

  it("forces memory mode on the worker and sets no Redis endpoint", () => {
    const { vars } = workerVars({ mode: { kind: "memory", reason: "asked" }, requestedStore: "memory", devVars: {} });
    expect(vars.EDGE_CACHE_STORE).toBe("memory");
    expect(vars).not.toHaveProperty("UPSTASH_REDIS_REST_URL");
  });

  it("passes vars to wrangler dev as NAME:VALUE, JSON and URLs intact, with scheduled testing on", () => {
    const args = wranglerDevArgs({ port: 8787, vars: { JSON_VAR: '{"t":"demo"}', UPSTASH_REDIS_REST_URL: gateway.url } });
    expect(args.slice(0, 1)).toEqual(["dev"]);
    expect(args).toContain("--test-scheduled");
    expect(args.join(" ")).toContain('--var JSON_VAR:{"t":"demo"} --var UPSTASH_REDIS_REST_URL:http://127.0.0.1:4000');
    expect(args[args.indexOf("--port") + 1]).toBe("8787");
  });
});

describe("npm start: banner", () => {
  it("shows the URL, the store, the demo token and copy-paste requests", () => {
    const banner = renderBanner({
      url: "http://127.0.0.1:8787",
      mode: { kind: "memory", reason: "redis-server is not on PATH" },
      demoToken: "demo-token",
      adminToken: undefined,
    });
    expect(banner).toContain("http://127.0.0.1:8787");
    expect(banner).toMatch(/memory only.*redis-server is not on PATH/);
    expect(banner).toContain("curl -X PUT http://127.0.0.1:8787/v1/cache/hello -H 'Authorization: Bearer demo-token'");
    expect(banner).toContain("curl http://127.0.0.1:8787/v1/cache/hello -H 'Authorization: Bearer demo-token'");
    expect(banner).toContain("curl http://127.0.0.1:8787/health");
    expect(banner).toContain("API docs     http://127.0.0.1:8787/docs");
  });

  it("lists what is off in memory-only mode, and nothing with Redis", () => {
    const base = { url: "http://127.0.0.1:8787", demoToken: "demo-token", adminToken: undefined };
    const memory = renderBanner({ ...base, mode: { kind: "memory", reason: "EDGE_CACHE_STORE=memory" } });
    expect(memory).toMatch(/^ {2}off {10}warm plans and runs \(\/v1\/warm\/\*: 501 redis_required\)$/m);
    expect(memory).toMatch(/^ {15}export \(\/v1\/export: 501 redis_required\)$/m);
    const redis = renderBanner({ ...base, mode: { kind: "local-redis" } });
    expect(redis).not.toMatch(/^ {2}off /m);
  });
});
