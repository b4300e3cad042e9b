import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { isTenantId, type TenantId } from "../../shared/cache/keys";
import { readDashboardSnapshot } from "../../shared/dashboard/dashboard-snapshot";
import { identifyViewer } from "../../shared/dashboard/viewer";
import { type DashboardWindow, DEFAULT_WINDOW, isDashboardWindow } from "../../shared/dashboard/windows";
import { ApiError } from "../../shared/errors";
import { effectiveLimits } from "../../shared/limits/effective-limits";
import { methodNotAllowed } from "../http/method-not-allowed";
import type { DashboardEnv } from "./dashboard-env";
import { renderDashboardError } from "./dashboard-errors";
import { DashboardPage } from "./dashboard-page";
import { pageHeaders } from "./page-headers";
import { renderPage } from "./render";
import { sameOriginForm } from "./same-origin-form";
import { endSession, sessionToken, startSession } from "./session-cookie";
import { renderSignIn } from "./sign-in";
import { TenantListPage } from "./tenant-list-page";

/** A sign-in form holds one token: anything larger is not one. */
const MAX_FORM_BYTES = 4096;

/**
 * GET /dashboard: a tenant's hit ratio over time, reads by tier, counters, top keys, warm runs
 * and health, rendered on the server. A tenant's manage token shows that tenant; the admin
 * token shows any, chosen with `?tenant=`. `?window=1h|6h|24h` picks the chart's span.
 */
export const dashboard = new Hono<DashboardEnv>();
dashboard.onError(renderDashboardError);
dashboard.use(pageHeaders);

dashboard.get("/", async function showDashboard(c) {
  const window = queryWindow(c);
  const asked = queryTenant(c);
  const token = sessionToken(c);
  if (!token) return renderSignIn(c);
  const { services } = c.var;
  const viewer = await identifyViewer(services, token);
  if (viewer.kind === "refused") {
    endSession(c);
    return renderSignIn(c, { problem: viewer.problem, sessionEnded: true });
  }
  if (viewer.kind === "tenant") {
    if (asked && asked !== viewer.tenant.id) throw new ApiError(403, "forbidden", "This session can show its own tenant only");
    const storageBudgetBytes = effectiveLimits(services.config, viewer.tenant.limits).storageBytes;
    const snapshot = await readDashboardSnapshot(services, viewer.tenant.id, { window, storageBudgetBytes });
    const signedInAs = viewer.token.name ? `manage token “${viewer.token.name}”` : "manage token";
    return renderPage(c, <DashboardPage nonce={c.get("cspNonce")} snapshot={snapshot} signedInAs={signedInAs} />);
  }
  const records = await services.tenants.listTenants();
  const tenants = records
    .map(({ id, name, status }) => ({ id, status, ...(name ? { name } : {}) }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const listPage = (error?: string) => (
    <TenantListPage nonce={c.get("cspNonce")} tenants={tenants} window={window} signedInAs="admin" {...(error ? { error } : {})} />
  );
  if (!asked) return renderPage(c, listPage());
  const record = records.find((tenant) => tenant.id === asked);
  if (!record) return renderPage(c, listPage("There is no tenant with that id."), 404);
  const storageBudgetBytes = effectiveLimits(services.config, record.limits).storageBytes;
  const snapshot = await readDashboardSnapshot(services, asked, { window, storageBudgetBytes });
  return renderPage(c, <DashboardPage nonce={c.get("cspNonce")} snapshot={snapshot} signedInAs="admin" tenants={tenants} />);
});
dashboard.all("/", methodNotAllowed("GET"));

dashboard.post(
  "/session",
  sameOriginForm,
  bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: () => {
      throw new ApiError(413, "payload_too_large", "A sign-in form holds one token");
    },
  }),
  async function signIn(c) {
    const token = await formToken(c);
    if (!token) return renderSignIn(c, { problem: "missing_token" });
    const viewer = await identifyViewer(c.get("services"), token);
    if (viewer.kind === "refused") return renderSignIn(c, { problem: viewer.problem });
    startSession(c, token, viewer.kind === "tenant" ? viewer.token : undefined, Date.now());
    return c.redirect("/dashboard", 303);
  },
);
dashboard.all("/session", methodNotAllowed("POST"));

dashboard.post("/session/delete", sameOriginForm, function signOut(c) {
  endSession(c);
  return c.redirect("/dashboard", 303);
});
dashboard.all("/session/delete", methodNotAllowed("POST"));

dashboard.all("*", () => {
  throw new ApiError(404, "not_found", "No such dashboard page");
});

function queryWindow(c: Context<DashboardEnv>): DashboardWindow {
  const value = c.req.query("window");
  if (value === undefined || value === "") return DEFAULT_WINDOW;
  if (!isDashboardWindow(value)) throw new ApiError(400, "invalid_query", "window is one of 1h, 6h, 24h");
  return value;
}

function queryTenant(c: Context<DashboardEnv>): TenantId | undefined {
  const value = c.req.query("tenant");
  if (value === undefined || value === "") return undefined;
  if (!isTenantId(value)) throw new ApiError(400, "invalid_query", "tenant is a tenant id: 1-63 characters of a-z 0-9 _ -");
  return value;
}

async function formToken(c: Context<DashboardEnv>): Promise<string | undefined> {
  const body = await c.req.parseBody().catch(() => undefined);
  const token = body?.token;
  return typeof token === "string" && token.trim() ? token.trim() : undefined;
}
