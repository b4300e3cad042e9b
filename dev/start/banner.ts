import { OFF_WITHOUT_REDIS } from "../../shared/memory-only.ts";
import type { StoreMode } from "./store-mode.ts";

export interface BannerInputs {
  url: string;
  mode: StoreMode;
  demoToken: string | undefined;
  adminToken: string | undefined;
  /** The local gateway and Redis, in local-redis mode; `next` when a local move runs. */
  local?: { gatewayUrl: string; redisUrl: string; next?: { gatewayUrl: string; redisUrl: string } };
  /** L2_MIGRATION_PHASE when a move between two databases runs. */
  migrationPhase?: string | undefined;
}

/** What `npm start` prints once the worker answers: where it is, what it stores in, how to try it. */
export function renderBanner(inputs: BannerInputs): string {
  const token = inputs.demoToken ?? "<a tenant token>";
  const lines = ["", "edge-cache is running", `  URL          ${inputs.url}`, `  store        ${describeMode(inputs.mode)}`];
  if (inputs.mode.kind === "memory") {
    // Said up front, so nobody learns it from a 501.
    OFF_WITHOUT_REDIS.forEach((feature, i) => {
      lines.push(`  ${i === 0 ? "off         " : "            "} ${feature}`);
    });
  }
  if (inputs.local) {
    lines.push(`  gateway      ${inputs.local.gatewayUrl}`, `  redis        ${inputs.local.redisUrl} (throwaway, no persistence)`);
    if (inputs.local.next) {
      lines.push(`  next gateway ${inputs.local.next.gatewayUrl}`, `  next redis   ${inputs.local.next.redisUrl} (the database moved to)`);
    }
  }
  if (inputs.migrationPhase) {
    lines.push(`  L2 move      phase ${inputs.migrationPhase}: press n / p for the next / previous phase (or kill -USR2 ${process.pid})`);
  }
  lines.push(`  demo token   ${inputs.demoToken ?? "(not issued: see the error above)"}  (tenant "demo", scopes read write manage)`);
  lines.push(`  admin token  ${inputs.adminToken ?? "from ADMIN_TOKEN in .dev.vars"}`);
  lines.push(`  API docs     ${inputs.url}/docs`);
  lines.push(
    "",
    "Try it:",
    `  curl -X PUT ${inputs.url}/v1/cache/hello -H 'Authorization: Bearer ${token}' -H 'Content-Type: text/plain' --data 'world'`,
    `  curl ${inputs.url}/v1/cache/hello -H 'Authorization: Bearer ${token}'`,
    `  curl ${inputs.url}/health`,
    `  curl '${inputs.url}/__scheduled?cron=*+*+*+*+*'`,
    "",
    "Ctrl-C stops the worker, the gateway and Redis.",
    "",
  );
  return lines.join("\n");
}

function describeMode(mode: StoreMode): string {
  switch (mode.kind) {
    case "local-redis":
      return "L1 memory + L2 local Redis through the Upstash-compatible gateway";
    case "upstash-from-dev-vars":
      return "L1 memory + L2 Upstash (UPSTASH_REDIS_REST_URL from .dev.vars)";
    case "memory":
      return `memory only, one isolate's L1 (${mode.reason})`;
  }
}
