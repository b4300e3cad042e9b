import type { OperationDocs, ParameterDocs, ResponseDocs } from "./operation";
import { errors, tenantSecurity } from "./responses";

const planName: ParameterDocs = {
  name: "name",
  in: "path",
  required: true,
  description: "1 to 64 of A-Z a-z 0-9 _ -",
  schema: { type: "string" },
};
const ok = (description: string): ResponseDocs => ({ description, content: { "application/json": { schema: { type: "object" } } } });

/** /v1/warm: plans and their runs. */
export function warmOperations(): OperationDocs[] {
  return [
    {
      method: "get",
      path: "/v1/warm/plans",
      tags: ["warm"],
      summary: "List the tenant's warm plans",
      security: tenantSecurity,
      responses: { 200: ok("Plans"), ...errors(401, 403, 429, 501, 503) },
    },
    {
      method: "put",
      path: "/v1/warm/plans/{name}",
      tags: ["warm"],
      summary: "Create or replace a warm plan",
      description:
        "Schedule, targets (key + url, or urlTemplate + keys), priority, ttl/swr, ttlRules and limits; see README. Scope: manage. " +
        "Held to the tenant's caps: at most `warmPlanBytes` of JSON (413), `warmTargetsPerPlan` keys (400) and `warmPlans` plans (409). " +
        "A new plan is first due at its schedule's next slot.",
      security: tenantSecurity,
      parameters: [planName],
      requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } },
      responses: { 200: ok("Replaced"), 201: ok("Created"), ...errors(400, 401, 403, 409, 413, 415, 429, 501, 503) },
    },
    {
      method: "get",
      path: "/v1/warm/plans/{name}",
      tags: ["warm"],
      summary: "Read a warm plan",
      security: tenantSecurity,
      parameters: [planName],
      responses: { 200: ok("The plan"), ...errors(400, 401, 403, 404, 429, 501, 503) },
    },
    {
      method: "delete",
      path: "/v1/warm/plans/{name}",
      tags: ["warm"],
      summary: "Delete a warm plan (idempotent)",
      security: tenantSecurity,
      parameters: [planName],
      responses: { 204: { description: "Deleted" }, ...errors(400, 401, 403, 429, 501, 503) },
    },
    {
      method: "post",
      path: "/v1/warm/plans/{name}/run",
      tags: ["warm"],
      summary: "Run a warm plan now, within one invocation's budget (an unfinished run is resumed by the next cron tick)",
      security: tenantSecurity,
      parameters: [planName],
      responses: { 200: ok("The run's record"), ...errors(400, 401, 403, 404, 409, 429, 501, 503) },
    },
    {
      method: "get",
      path: "/v1/warm/runs",
      tags: ["warm"],
      summary: "Recent warm runs, newest first (the last 50 per plan)",
      security: tenantSecurity,
      parameters: [{ name: "plan", in: "query", schema: { type: "string" } }],
      responses: { 200: ok("Runs"), ...errors(400, 401, 403, 429, 501, 503) },
    },
  ];
}
