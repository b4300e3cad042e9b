import { Hono } from "hono";
import { errorBody, renderError } from "../shared/errors";
import { adminDiagnostics } from "./admin-diagnostics";
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
import { lifetimePolicies } from "./lifetime-policies";
import { metrics } from "./metrics";
import { adminAuth } from "./middleware/admin-auth";
import { apiHeaders } from "./middleware/api-headers";
import { requestContext } from "./middleware/request-context";
import { tenantApi } from "./middleware/tenant-api";
import { serveOpenApiDocument } from "./openapi/document";
import { stats } from "./stats";
import { tenantClear } from "./tenant-clear";
import { warmPlans } from "./warm-plans";

export function buildApp() {
  const app = new Hono<AppEnv>();
  app.use(requestContext);
  app.onError(renderError);
  app.notFound((c) => c.json(errorBody("not_found", "No such route"), 404));

  app.route("/health", health);

  app.use("/metrics", adminAuth);
  app.route("/metrics", metrics);

  app.use("/admin/*", apiHeaders, adminAuth);
  app.route("/admin/tenants", adminTenants);
  app.route("/admin/tenants", adminTokens);
  app.route("/admin/maintenance", adminMaintenance);
  app.route("/admin/limits", adminLimits);
  app.route("/admin/l2-migration", adminL2Migration);
  app.route("/admin/diagnostics", adminDiagnostics);

  app.use("/v1/*", tenantApi);
  // Registered before /v1/cache/*, which would otherwise take DELETE /v1/cache as an empty key.
  app.route("/v1/cache", tenantClear);
  app.route("/v1/cache", cacheEntries);
  app.route("/v1/batch", batch);
  app.route("/v1/invalidate", invalidate);
  app.route("/v1/stats", stats);
  app.route("/v1/warm", warmPlans);
  app.route("/v1/export", exportEntries);
  app.route("/v1/policies", lifetimePolicies);
  app.route("/dashboard", dashboard);

  app.get("/openapi.json", serveOpenApiDocument);
  return app;
}
