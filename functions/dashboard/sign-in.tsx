import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Viewer } from "../../shared/dashboard/viewer";
import { type ErrorCode, errorBody } from "../../shared/errors";
import type { DashboardEnv } from "./dashboard-env";
import { renderPage, wantsJson } from "./render";
import { SignInPage } from "./sign-in-page";

type Refusal = Extract<Viewer, { kind: "refused" }>["problem"] | "missing_token";

const REFUSALS: Record<Refusal, { status: 400 | 401 | 403; code: ErrorCode; message: string }> = {
  missing_token: { status: 400, code: "bad_request", message: "Paste a token to sign in." },
  unknown: { status: 401, code: "unauthorized", message: "That token is not valid." },
  expired: { status: 401, code: "token_expired", message: "That token has expired." },
  revoked: { status: 401, code: "token_revoked", message: "That token has been revoked." },
  tenant_disabled: { status: 403, code: "tenant_disabled", message: "That token's tenant is disabled." },
  insufficient_scope: {
    status: 403,
    code: "insufficient_scope",
    message: "That token lacks the manage scope: the dashboard needs a manage token or the admin token.",
  },
};

/** The sign-in form, empty, or saying why a token or a session was refused. */
export function renderSignIn(c: Context<DashboardEnv>, refusal?: { problem: Refusal; sessionEnded?: boolean }) {
  if (!refusal) {
    if (wantsJson(c)) return c.json(errorBody("unauthorized", "Sign in at /dashboard first"), 401);
    return renderPage(c, <SignInPage nonce={c.get("cspNonce")} />);
  }
  const { status, code, message } = REFUSALS[refusal.problem];
  const shown = refusal.sessionEnded ? `Your session has ended. ${message}` : message;
  if (wantsJson(c)) return c.json(errorBody(code, shown), status);
  return renderPage(c, <SignInPage nonce={c.get("cspNonce")} error={shown} />, status as ContentfulStatusCode);
}
