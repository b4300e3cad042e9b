import { type CheckResult, fail, ok, skip } from "../check-result.ts";
import { apiErrorOf, type DeploymentClient, describeAnswer, UnreachableError } from "../deployment-client.ts";
import { adminUnavailableReason, type DeploymentFacts } from "../deployment-facts.ts";

const ID = "admin-api";
const TITLE = "admin API";

/** An authenticated admin call that reads the tenant registry (Redis, or the isolate's memory) works. */
export async function adminApiCheck(client: DeploymentClient, facts: DeploymentFacts, token: string | undefined): Promise<CheckResult> {
  const unavailable = adminUnavailableReason(facts);
  if (unavailable !== undefined || token === undefined) return skip(ID, TITLE, unavailable ?? "no admin token");
  try {
    const answer = await client.call("/admin/tenants", { token });
    const tenants = (answer.json as { tenants?: unknown } | undefined)?.tenants;
    if (answer.status === 200 && Array.isArray(tenants)) {
      const count = `${tenants.length} tenant${tenants.length === 1 ? "" : "s"}`;
      return ok(ID, TITLE, `GET /admin/tenants listed ${count} in ${answer.receivedAt - answer.sentAt} ms`);
    }
    const unavailable = apiErrorOf(answer)?.code === "store_unavailable";
    return fail(ID, TITLE, `GET /admin/tenants answered ${describeAnswer(answer)}`, [
      unavailable
        ? { message: "the tenant registry lives in Redis, which did not answer", fix: "see the redis check" }
        : { message: "listing tenants failed", fix: "look for the error in `wrangler tail`" },
    ]);
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    return fail(ID, TITLE, `GET /admin/tenants: ${error.reason}`, [
      { message: "the admin call got no answer", fix: "run the doctor again; if it persists, look at `wrangler tail`" },
    ]);
  }
}
