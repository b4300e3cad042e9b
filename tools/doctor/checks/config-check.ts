import { type CheckResult, fail, ok, skip, warn } from "../check-result.ts";
import type { DeploymentFacts } from "../deployment-facts.ts";
import { problemOf } from "../misconfiguration.ts";

const ID = "config";
const TITLE = "config";

/** The deployment's vars and secrets are valid (else every route answers 500 `misconfigured`), and the optional ones are set. */
export function configCheck({ health, diagnostics }: DeploymentFacts): CheckResult {
  if (health.kind === "unreachable") return skip(ID, TITLE, "the deployment did not answer");
  if (health.kind === "misconfigured") {
    const names = health.variables.map((variable) => variable.name).join(", ");
    return fail(ID, TITLE, `misconfigured: ${names}`, health.variables.map(problemOf));
  }
  if (diagnostics.kind !== "report") return ok(ID, TITLE, "no misconfigured variables");
  const { secrets } = diagnostics.report;
  if (secrets.TOKEN_PEPPER === false) {
    return warn(ID, TITLE, "valid, but TOKEN_PEPPER is not set", [
      {
        message: "tokens are stored as plain SHA-256 digests: a leaked Redis could confirm a guessed token",
        fix:
          "`wrangler secret put TOKEN_PEPPER` with `openssl rand -hex 32` (locally: TOKEN_PEPPER in .dev.vars); " +
          "changing it invalidates every token issued so far, so set it before issuing tokens",
      },
    ]);
  }
  const set = Object.entries(secrets)
    .filter(([, present]) => present)
    .map(([name]) => name);
  return ok(ID, TITLE, `no misconfigured variables; secrets set: ${set.join(", ") || "none"}`);
}
