import type { ServedApi } from "./served-api";

export interface TokenIssue {
  name: string;
  scopes: ("read" | "write" | "manage")[];
  /** Browser origins this token alone may be used from. */
  allowedOrigins?: string[];
}

/** The admin API and a raw PUT: the setup is made without the client under test. */
export async function createTenant(api: ServedApi, id: string): Promise<void> {
  await expectJson(await adminPost(api, "/admin/tenants", { id, name: "Client package" }), 201);
}

/** A new token of the tenant: the secret, which only this answer carries. */
export async function issueToken(api: ServedApi, tenant: string, issue: TokenIssue): Promise<string> {
  const body = await expectJson(await adminPost(api, `/admin/tenants/${tenant}/tokens`, issue), 201);
  return (body as { token: string }).token;
}

export async function storeText(api: ServedApi, writeToken: string, key: string, text: string): Promise<void> {
  const response = await fetch(`${api.url}/v1/cache/${encodeURIComponent(key)}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${writeToken}`, "Content-Type": "text/plain; charset=utf-8" },
    body: text,
  });
  await expectJson(response, 201);
}

function adminPost(api: ServedApi, path: string, body: unknown): Promise<Response> {
  return fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${api.adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function expectJson(response: Response, status: number): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${response.url}: expected HTTP ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text);
}
