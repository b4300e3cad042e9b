import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { renderError } from "../../shared/errors";
import type { DashboardEnv } from "./dashboard-env";
import { ErrorPage } from "./error-page";
import { renderPage, wantsJson } from "./render";

// Headers of an API error worth keeping on the page: what to retry and when.
const KEPT_HEADERS = ["Allow", "Retry-After"];

/**
 * The dashboard's onError. The API's renderError decides status, code and message (and logs what
 * is a bug), so both speak alike; browsers get that message as a small page, JSON clients as is.
 */
export async function renderDashboardError(err: Error, c: Context<DashboardEnv>): Promise<Response> {
  const api = renderError(err, c);
  if (wantsJson(c)) return api;
  const body = (await api.json()) as { error: { message: string } };
  const page = renderPage(
    c,
    <ErrorPage nonce={c.get("cspNonce")} status={api.status} message={body.error.message} />,
    api.status as ContentfulStatusCode,
  );
  const response = await page;
  for (const name of KEPT_HEADERS) {
    const value = api.headers.get(name);
    if (value) response.headers.set(name, value);
  }
  return response;
}
