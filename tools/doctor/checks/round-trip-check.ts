import { randomBytes } from "node:crypto";
import { type CheckResult, fail, ok, type Problem, skip, warn } from "../check-result.ts";
import { apiErrorOf, type DeploymentClient, describeAnswer } from "../deployment-client.ts";
import { adminUnavailableReason, type DeploymentFacts } from "../deployment-facts.ts";
import {
  newThrowawayTenant,
  StepFailedError,
  setUpThrowawayTenant,
  step,
  type TearDownOptions,
  type ThrowawayTenant,
  tearDownThrowawayTenant,
} from "../throwaway-tenant.ts";

const ID = "round-trip";
const TITLE = "round trip";
const PROBE_KEY = "doctor-probe";

type Outcome = { kind: "ok"; summary: string } | { kind: "unconfirmed"; summary: string } | { kind: "failed"; error: StepFailedError };

/**
 * A write and a read through the public API, as a tenant would make them: a throwaway tenant and
 * token, PUT, GET (the same bytes back), DELETE; then the tenant is deleted with everything it
 * has, also when a step failed.
 */
export async function roundTripCheck(
  client: DeploymentClient,
  facts: DeploymentFacts,
  adminToken: string | undefined,
  tearDown: Omit<TearDownOptions, "memoryOnly"> = {},
): Promise<CheckResult> {
  const unavailable = adminUnavailableReason(facts);
  if (unavailable !== undefined || adminToken === undefined) return skip(ID, TITLE, unavailable ?? "no admin token");
  const memoryOnly = facts.health.kind === "answered" && facts.health.report?.store === "memory";
  const tenant = newThrowawayTenant();
  let outcome: Outcome;
  let cleanup: Awaited<ReturnType<typeof tearDownThrowawayTenant>>;
  try {
    outcome = await roundTrip(client, adminToken, tenant, memoryOnly);
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    outcome = { kind: "failed", error };
  } finally {
    cleanup = await tearDownThrowawayTenant(client, adminToken, tenant, { ...tearDown, memoryOnly });
  }
  const cleaned = cleanup.done.length > 0 ? `; cleanup: ${cleanup.done.join(", ")}` : "";
  if (outcome.kind === "failed") {
    return fail(ID, TITLE, `${tenant.id}: ${outcome.error.message}${cleaned}`, [
      problemOfFailure(outcome.error, memoryOnly),
      ...cleanup.problems,
    ]);
  }
  const summary = `${tenant.id}: ${outcome.summary}${cleaned}`;
  if (outcome.kind === "unconfirmed") {
    return warn(ID, TITLE, summary, [
      {
        message: "Redis did not confirm the write in time (202 stored memory): only the isolate that answered holds it",
        fix: "see the redis check; a slow or failing Redis makes writes memory-only",
      },
      ...cleanup.problems,
    ]);
  }
  return cleanup.problems.length > 0 ? warn(ID, TITLE, summary, cleanup.problems) : ok(ID, TITLE, summary);
}

async function roundTrip(client: DeploymentClient, adminToken: string, tenant: ThrowawayTenant, memoryOnly: boolean): Promise<Outcome> {
  const token = await setUpThrowawayTenant(client, adminToken, tenant);
  const value = `doctor ${randomBytes(16).toString("hex")}`;
  const path = `/v1/cache/${PROBE_KEY}`;
  const started = Date.now();

  const put = await step("PUT", () => client.call(`${path}?ttl=60`, { method: "PUT", token, body: value }));
  if (put.status !== 201 && put.status !== 202) throw new StepFailedError("PUT", put, describeAnswer(put));
  const get = await step("GET", () => client.call(path, { token }));
  if (get.status !== 200) throw new StepFailedError("GET", get, `${describeAnswer(get)} right after the PUT`);
  if (get.text !== value) throw new StepFailedError("GET", get, "answered other bytes than were written");
  const deleted = await step("DELETE", () => client.call(path, { method: "DELETE", token }));
  if (deleted.status !== 204) throw new StepFailedError("DELETE", deleted, describeAnswer(deleted));

  const stored = put.status === 201 ? "redis" : "memory";
  const summary = `PUT ${put.status} (stored ${stored}), GET 200 same bytes, DELETE 204 in ${Date.now() - started} ms`;
  return put.status === 202 && !memoryOnly ? { kind: "unconfirmed", summary } : { kind: "ok", summary };
}

function problemOfFailure(error: StepFailedError, memoryOnly: boolean): Problem {
  const code = error.answer ? apiErrorOf(error.answer)?.code : undefined;
  if (code === "store_unavailable") return { message: `${error.step} answered 503: Redis is unavailable`, fix: "see the redis check" };
  if (memoryOnly && (code === "unauthorized" || (error.step === "GET" && error.answer?.status === 404))) {
    return {
      message: `${error.step} reached an isolate that does not know the throwaway tenant or its entry`,
      fix: "memory-only: tenants and entries live in one isolate's memory; give the deployment Redis (see the redis check)",
    };
  }
  if (!error.answer)
    return { message: `${error.step} got no answer`, fix: "run the doctor again; if it persists, look at `wrangler tail`" };
  return { message: `${error.step} answered ${describeAnswer(error.answer)}`, fix: "look for the error in `wrangler tail`" };
}
