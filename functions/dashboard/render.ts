import type { Context } from "hono";
import { html } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DashboardEnv } from "./dashboard-env";

/** A client that asks for JSON and not HTML (scripts, curl) gets the API's error bodies. */
export function wantsJson(c: Context): boolean {
  const accept = c.req.header("Accept") ?? "";
  return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
}

export function renderPage(c: Context<DashboardEnv>, page: JSX.Element, status: ContentfulStatusCode = 200) {
  return c.html(html`<!doctype html>${page}`, status);
}
