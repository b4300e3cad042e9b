import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Miniflare, supportedCompatibilityDate } from "miniflare";
import { bundledWorker } from "../../helpers/node/worker-script";

const REPO = resolve(import.meta.dirname, "../../..");
const SCRIPT = "client-package-worker.js";

export interface ServedApi {
  /** http://127.0.0.1:<port>: another origin than any page the test serves. */
  url: string;
  adminToken: string;
  dispose(): Promise<void>;
}

/** The bundled Worker in Miniflare on a loopback port, its L2 the run's shared gateway. */
export async function serveApi(redis: { url: string; token: string }): Promise<ServedApi> {
  const adminToken = randomBytes(32).toString("hex");
  const mf = new Miniflare({
    modulesRoot: REPO,
    modules: [{ type: "ESModule", path: join(REPO, SCRIPT), contents: await bundledWorker(SCRIPT) }],
    compatibilityDate: supportedCompatibilityDate,
    compatibilityFlags: wranglerCompatibilityFlags(),
    bindings: {
      UPSTASH_REDIS_REST_URL: redis.url,
      UPSTASH_REDIS_REST_TOKEN: redis.token,
      ADMIN_TOKEN: adminToken,
      TOKEN_PEPPER: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
    },
    host: "127.0.0.1",
    port: 0,
  });
  const url = (await mf.ready).origin;
  return { url, adminToken, dispose: () => mf.dispose() };
}

/** The flags a deploy runs with (node:async_hooks and node:zlib need nodejs_compat). */
function wranglerCompatibilityFlags(): string[] {
  const line = /^compatibility_flags\s*=\s*(\[.*\])\s*$/m.exec(readFileSync(join(REPO, "wrangler.toml"), "utf8"));
  return line?.[1] ? (JSON.parse(line[1]) as string[]) : [];
}
