import { type CheckResult, fail, ok, warn } from "../check-result.ts";
import { describeAnswer } from "../deployment-client.ts";
import type { HealthFacts } from "../deployment-facts.ts";

const ID = "health";
const TITLE = "health";

/** GET /health answers, and what it says: ok, degraded or down; memory-only said as such. */
export function healthCheck(health: HealthFacts, baseUrl: string): CheckResult {
  switch (health.kind) {
    case "unreachable":
      return fail(ID, TITLE, `no answer from ${baseUrl}/health`, [
        {
          message: `${baseUrl} could not be reached: ${health.reason}`,
          fix: "check --url; locally, start it with `npm start`; deployed, check the Worker's workers.dev URL or routes, and `wrangler deployments list`",
        },
      ]);
    case "misconfigured":
      return fail(ID, TITLE, "500 misconfigured: every route refuses until its configuration is fixed", [
        { message: "the Worker cannot start its services with its vars and secrets", fix: "fix the variables the config check lists" },
      ]);
    case "answered": {
      const { report, answer } = health;
      const elapsed = `${answer.receivedAt - answer.sentAt} ms`;
      if (!report) {
        return fail(ID, TITLE, `GET /health answered ${describeAnswer(answer)}, not edge-cache's health report`, [
          { message: `${baseUrl} does not look like an edge-cache deployment`, fix: "check --url: it should be the Worker's base URL" },
        ]);
      }
      const version = report.version ? `; version ${report.version}` : "";
      const store = report.store === "memory" ? "memory-only (no Redis)" : `store ${report.store ?? "unknown"}`;
      if (report.status === "ok") return ok(ID, TITLE, `ok; ${store}${version}; answered in ${elapsed}`);
      if (report.status === "degraded") {
        return warn(ID, TITLE, `degraded; ${store}${version}`, [
          {
            message: "Redis is failing or its circuit is open: isolates serve what their memory holds, and writes stay in memory",
            fix: "see the redis check",
          },
        ]);
      }
      return fail(ID, TITLE, `${report.status} (HTTP ${answer.status}); ${store}${version}`, [
        { message: "Redis is failing and this isolate holds nothing: every read misses", fix: "see the redis check" },
      ]);
    }
  }
}
