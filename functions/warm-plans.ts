import { type Context, Hono } from "hono";
import { ApiError } from "../shared/errors";
import type { L2Backend } from "../shared/l2/backend";
import type { RedisRunner } from "../shared/redis/redis-client";
import type { IsOriginAllowed } from "../shared/warm/origin-policy";
import { runPlan } from "../shared/warm/plan-runner";
import { countTargets, expandTargets, PLAN_NAME_PATTERN, planSchema, type WarmPlan } from "../shared/warm/plan-schema";
import { deletePlan, getPlan, listPlanNames, listPlans, listRuns, putPlan } from "../shared/warm/plan-store";
import { MAX_RUNS_KEPT } from "../shared/warm/run-record";
import { nextSlotAfter } from "../shared/warm/schedules";
import { budgetedRunner, SubrequestBudget } from "../shared/warm/subrequest-budget";
import type { AppEnv } from "./app-env";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { redisRequired, requireRedis } from "./http/redis-required";
import { parseOr400 } from "./http/validation";
import { warmingOf } from "./http/warming";
import { requireScope } from "./middleware/require-scope";

// The request's own subrequests come out of the same per-invocation limit: token lookup, rate
// limit and stats flush, with their transport retries.
const RESERVED_FOR_REQUEST = 6;

/**
 * Warm plans of the calling tenant, under /v1/warm: PUT/GET/DELETE /plans/{name}, GET /plans,
 * POST /plans/{name}/run, GET /runs. The tenant is always `c.get("tenant")`, from the token, and
 * every route needs the `manage` scope.
 */
export const warmPlans = new Hono<AppEnv>()
  .use(requireScope("manage"))
  .use(requireRedis("Warm plans"))
  .get("/plans", async (c) => {
    const plans = await listPlans(warmRunner(c), c.get("tenant"));
    return c.json({ plans: plans.map(present) });
  })
  .all("/plans", methodNotAllowed("GET, HEAD"))
  .put("/plans/:name", async (c) => {
    const name = planName(c);
    const { config } = c.get("services");
    // The tenant's caps (its limits, or the deployment's WARM_MAX_*): the body is cut at its plan size.
    const limits = limitsOf(c);
    const input = parseOr400(planSchema(config), await readJsonWithLimit(c.req.raw, limits.warmPlanBytes), "invalid_body");
    if (countTargets(input.targets) > limits.warmTargetsPerPlan) {
      throw new ApiError(400, "invalid_body", `targets: a plan of this tenant warms at most ${limits.warmTargetsPerPlan} keys`);
    }
    const now = Date.now();
    const plan: WarmPlan = { ...input, name, updatedAt: now };
    assertOriginsAllowed(plan, warmingOf(c).isOriginAllowed);
    const result = await putPlan(warmRunner(c), c.get("tenant"), plan, {
      maxPlans: limits.warmPlans,
      dueAt: nextSlotAfter(plan.schedule, now),
    });
    // 409, not 413: the plan itself is acceptable; it conflicts with the plans the tenant already has.
    if (result === "too_many")
      throw new ApiError(409, "conflict", `This tenant already has ${limits.warmPlans} warm plans, the most it may have`);
    return c.json({ plan: present(plan) }, result === "created" ? 201 : 200);
  })
  .get("/plans/:name", async (c) => {
    const plan = await getPlan(warmRunner(c), c.get("tenant"), planName(c));
    if (!plan) throw new ApiError(404, "not_found", "No warm plan with this name");
    return c.json({ plan: present(plan) });
  })
  .delete("/plans/:name", async (c) => {
    await deletePlan(warmRunner(c), c.get("tenant"), planName(c));
    return c.body(null, 204);
  })
  .all("/plans/:name", methodNotAllowed("GET, HEAD, PUT, DELETE"))
  .post("/plans/:name/run", async (c) => {
    const name = planName(c);
    // This request is one invocation: its Redis requests and origin fetches share one budget.
    const budget = new SubrequestBudget(c.get("services").config.WARM_SUBREQUEST_BUDGET - RESERVED_FOR_REQUEST);
    const warm = warmTier(c);
    const runner = budgetedRunner(warm.runner, budget);
    const plan = await getPlan(runner, c.get("tenant"), name);
    if (!plan) throw new ApiError(404, "not_found", "No warm plan with this name");
    const result = await runPlan(plan, {
      tenant: c.get("tenant"),
      runner,
      store: warm.store.through((transport) => budgetedRunner(transport, budget)),
      budget,
      warming: warmingOf(c),
      trigger: "manual",
    });
    if (result.status === "busy") throw new ApiError(409, "conflict", "A run of this plan is in progress", { "Retry-After": "5" });
    if (result.status !== "ran")
      throw new ApiError(503, "store_unavailable", "The plan could not be run now; retry shortly", { "Retry-After": "5" });
    return c.json({ run: result.record });
  })
  .all("/plans/:name/run", methodNotAllowed("POST"))
  .get("/runs", async (c) => {
    const runner = warmRunner(c);
    const only = c.req.query("plan");
    if (only !== undefined && !PLAN_NAME_PATTERN.test(only)) throw new ApiError(400, "invalid_query", "plan: not a plan name");
    const names = only !== undefined ? [only] : await listPlanNames(runner, c.get("tenant"));
    return c.json({ runs: await listRuns(runner, c.get("tenant"), names, MAX_RUNS_KEPT) });
  })
  .all("/runs", methodNotAllowed("GET, HEAD"));

function planName(c: Context<AppEnv>): string {
  const name = c.req.param("name") ?? "";
  if (!PLAN_NAME_PATTERN.test(name)) throw new ApiError(400, "bad_request", "Plan names are 1 to 64 of A-Z a-z 0-9 _ -");
  return name;
}

function warmRunner(c: Context<AppEnv>): RedisRunner {
  return warmTier(c).runner;
}

function warmTier(c: Context<AppEnv>): L2Backend["warm"] {
  const l2 = c.get("services").l2;
  if (!l2) throw redisRequired("Warm plans");
  return l2.warm;
}

/** Refused when the plan is saved, not only when it runs: the tenant learns at once. */
function assertOriginsAllowed(plan: WarmPlan, isOriginAllowed: IsOriginAllowed): void {
  for (const target of expandTargets(plan)) {
    if (!isOriginAllowed(new URL(target.url))) {
      throw new ApiError(
        400,
        "invalid_body",
        `targets: the url of ${JSON.stringify(target.key).slice(0, 80)} is not on this tenant's origin allowlist (originHosts)`,
      );
    }
  }
}

const SECRET_HEADER = /authorization|cookie|token|secret|api-?key|password/i;

/** Header values that look like credentials are never echoed back. */
function present(plan: WarmPlan): WarmPlan {
  return {
    ...plan,
    targets: plan.targets.map((target) => ({
      ...target,
      headers: Object.fromEntries(
        Object.entries(target.headers).map(([name, value]) => [name, SECRET_HEADER.test(name) ? "[redacted]" : value]),
      ),
    })),
  };
}
