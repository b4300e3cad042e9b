import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { errorBody, renderError } from "../shared/errors";
import { adminL2Migration } from "./admin-l2-migration";
import { adminLimits } from "./admin-limits";
import { adminMaintenance } from "./admin-maintenance";
import { adminTenants } from "./admin-tenants";
import { adminTokens } from "./admin-tokens";
import type { AppEnv } from "./app-env";
import { batch } from "./batch";
import { cacheEntries } from "./cache-entries";
import { dashboard } from "./dashboard/dashboard";
import { exportEntries } from "./export";
import { health } from "./health";
import { invalidate } from "./invalidate";
import { metrics } from "./metrics";
import { adminAuth } from "./middleware/admin-auth";
import { apiHeaders } from "./middleware/api-headers";
import { requestBudget } from "./middleware/request-budget";
import { requestLog } from "./middleware/request-log";
import { withServices } from "./middleware/services";
import { tenantApi } from "./middleware/tenant-api";
import { serveOpenApiDocument } from "./openapi/document";
import { stats } from "./stats";
import { tenantClear } from "./tenant-clear";
import { warmPlans } from "./warm-plans";

export function buildApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(requestLog);
  app.use(withServices);
  app.onError(renderError);
  app.notFound((c) => c.json(errorBody("not_found", "No such route"), 404));

  // One Redis budget for the routes that answer from a round trip or two. Export pages, warm
  // plans, admin, metrics and the dashboard make many calls on purpose, and a budget cutting a
  // multi-step change (a token rotation) in half would do harm: they keep per-call deadlines.
  // Registered before tenant auth, so a token re-verification shares the budget.
  for (const path of ["/health", "/v1/cache", "/v1/cache/*", "/v1/batch", "/v1/invalidate", "/v1/stats"]) app.use(path, requestBudget);

  app.route("/health", health);

  app.use("/metrics", adminAuth);
  app.route("/metrics", metrics);

  app.use("/admin/*", apiHeaders, adminAuth);
  app.route("/admin/tenants", adminTenants);
  app.route("/admin/tenants", adminTokens);
  app.route("/admin/maintenance", adminMaintenance);
  app.route("/admin/limits", adminLimits);
  app.route("/admin/l2-migration", adminL2Migration);

  app.use("/v1/*", tenantApi);
  // Registered before /v1/cache/*, which would otherwise take DELETE /v1/cache as an empty key.
  app.route("/v1/cache", tenantClear);
  app.route("/v1/cache", cacheEntries);
  app.route("/v1/batch", batch);
  app.route("/v1/invalidate", invalidate);
  app.route("/v1/stats", stats);
  app.route("/v1/warm", warmPlans);
  app.route("/v1/export", exportEntries);
  app.route("/dashboard", dashboard);

  app.get("/openapi.json", serveOpenApiDocument);
  // The page loads its script from a CDN in the reader's browser; the Worker serves only HTML.
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "edge-cache API" }));
  return app;
}
