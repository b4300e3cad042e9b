import { type CheckResult, fail, ok, skip } from "../check-result.ts";
import { describeAnswer } from "../deployment-client.ts";
import type { DeploymentFacts } from "../deployment-facts.ts";

const ID = "admin-token";
const TITLE = "admin token";

const SET_ADMIN_TOKEN =
  "set the deployment's token with `wrangler secret put ADMIN_TOKEN` (32 characters or more: `openssl rand -hex 32`; " +
  "locally: ADMIN_TOKEN in .dev.vars, or the one `npm start` prints) and export the same value as EDGE_CACHE_ADMIN_TOKEN";

/** The admin token from the environment opens /admin. */
export function adminTokenCheck({ health, adminToken }: DeploymentFacts, source: string | undefined): CheckResult {
  if (health.kind === "misconfigured") return skip(ID, TITLE, "the deployment is misconfigured (see config)");
  switch (adminToken.kind) {
    case "missing":
      return fail(ID, TITLE, "no admin token in the environment", [
        { message: "neither EDGE_CACHE_ADMIN_TOKEN nor ADMIN_TOKEN is set here", fix: SET_ADMIN_TOKEN },
      ]);
    case "unreachable":
      return skip(ID, TITLE, "the deployment did not answer");
    case "accepted":
      return ok(ID, TITLE, `accepted (from ${source})`);
    case "refused":
      return fail(ID, TITLE, `refused: ${describeAnswer(adminToken.answer)}`, [
        {
          message: `the deployment's ADMIN_TOKEN is not the token in ${source}, or the deployment has none (then /admin refuses everyone)`,
          fix: SET_ADMIN_TOKEN,
        },
      ]);
    case "unexpected":
      return fail(ID, TITLE, `GET /admin/limits answered ${describeAnswer(adminToken.answer)}`, [
        { message: "an admin call failed for another reason than the token", fix: "look for the error in `wrangler tail`" },
      ]);
  }
}
