import { randomBytes } from "node:crypto";
import { createAdminClient } from "../../tools/admin/admin-client.ts";

export interface Answer {
  status: number;
  /** The body parsed as JSON, or its text when it is not JSON. */
  body: unknown;
}

export interface CallOptions {
  token?: string;
  method?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** One request to a served worker, read to the end. */
export async function call(baseUrl: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${baseUrl}${path}`, { method: options.method ?? "GET", headers, body: options.body });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}

/** The `error.code` of a JSON error body, if it is one. */
export function errorCode(answer: Answer): string | undefined {
  const body = answer.body as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === "string" ? body.error.code : undefined;
}

export interface TenantAccess {
  tenant: string;
  token: string;
  tokenId: string;
}

/** A tenant of its own for one scenario, made through the admin API as an operator would. */
export async function createTenant(baseUrl: string, adminToken: string, extra: Record<string, unknown> = {}): Promise<TenantAccess> {
  const admin = createAdminClient({ url: baseUrl, adminToken });
  const tenant = `cancel-${randomBytes(6).toString("hex")}`;
  await admin.createTenant({ id: tenant, name: "cancellation scenario", ...extra });
  const issued = await admin.issueToken(tenant, { name: "cancellation", scopes: ["read", "write", "manage"] });
  return { tenant, token: issued.token, tokenId: issued.id };
}
