import { type Answer, apiErrorOf, type DeploymentClient, UnreachableError } from "./deployment-client.ts";
import { type BadVariable, parseMisconfiguration } from "./misconfiguration.ts";

/**
 * What the checks judge, asked once: GET /health, the admin token against GET /admin/limits (a
 * route every version has, which touches no Redis), and GET /admin/diagnostics. A deployment may
 * run another version than this tool, so answers are read leniently: a missing field is unknown,
 * not an error.
 */

/** The part of /health's JSON the checks read (shared/health.ts). */
export interface HealthReport {
  status: string;
  store: string | undefined;
  redis: { reachable: boolean; latencyMs: number | null; circuit: string } | null;
  version: string | undefined;
  /** What memory-only mode turns off, on versions that list it. */
  off: string[];
}

/** The part of /admin/diagnostics the checks read (shared/diagnostics/diagnostics-report.ts). */
export interface DiagnosticsReport {
  now: number;
  store: string;
  secrets: Record<string, boolean>;
  scheduled: Record<string, number> | null;
}

export type HealthFacts =
  | { kind: "unreachable"; reason: string }
  | { kind: "misconfigured"; variables: BadVariable[]; answer: Answer }
  | { kind: "answered"; answer: Answer; report: HealthReport | undefined };

export type AdminTokenFacts =
  | { kind: "missing" }
  | { kind: "unreachable"; reason: string }
  | { kind: "accepted"; answer: Answer }
  | { kind: "refused"; answer: Answer }
  | { kind: "unexpected"; answer: Answer };

export type DiagnosticsFacts =
  | { kind: "not-asked" }
  | { kind: "unreachable"; reason: string }
  | { kind: "report"; answer: Answer; report: DiagnosticsReport }
  /** 404: the deployment predates the route. */
  | { kind: "absent"; answer: Answer }
  | { kind: "unavailable"; answer: Answer };

export interface DeploymentFacts {
  health: HealthFacts;
  adminToken: AdminTokenFacts;
  diagnostics: DiagnosticsFacts;
}

export async function gatherFacts(client: DeploymentClient, adminToken: string | undefined): Promise<DeploymentFacts> {
  const health = await askHealth(client);
  if (health.kind === "unreachable") return { health, adminToken: health, diagnostics: { kind: "not-asked" } };
  const token = await askAdminToken(client, adminToken);
  const diagnostics = token.kind === "accepted" ? await askDiagnostics(client, adminToken as string) : { kind: "not-asked" as const };
  return { health, adminToken: token, diagnostics };
}

/** Why the admin API cannot be used, or undefined when it can. */
export function adminUnavailableReason({ health, adminToken }: Pick<DeploymentFacts, "health" | "adminToken">): string | undefined {
  if (health.kind === "unreachable") return "the deployment did not answer";
  if (health.kind === "misconfigured") return "the deployment is misconfigured (see config)";
  switch (adminToken.kind) {
    case "accepted":
      return undefined;
    case "missing":
      return "no admin token (see admin token)";
    case "refused":
      return "the admin token was refused (see admin token)";
    default:
      return "the admin API did not answer (see admin token)";
  }
}

async function askHealth(client: DeploymentClient): Promise<HealthFacts> {
  const answer = await reach(() => client.call("/health"));
  if ("reason" in answer) return { kind: "unreachable", reason: answer.reason };
  const error = apiErrorOf(answer);
  if (error?.code === "misconfigured") return { kind: "misconfigured", variables: parseMisconfiguration(error.message), answer };
  return { kind: "answered", answer, report: healthReportOf(answer.json) };
}

async function askAdminToken(client: DeploymentClient, token: string | undefined): Promise<AdminTokenFacts> {
  if (token === undefined) return { kind: "missing" };
  const answer = await reach(() => client.call("/admin/limits", { token }));
  if ("reason" in answer) return { kind: "unreachable", reason: answer.reason };
  if (answer.status === 200) return { kind: "accepted", answer };
  if (answer.status === 401 || answer.status === 403) return { kind: "refused", answer };
  return { kind: "unexpected", answer };
}

async function askDiagnostics(client: DeploymentClient, token: string): Promise<DiagnosticsFacts> {
  const answer = await reach(() => client.call("/admin/diagnostics", { token }));
  if ("reason" in answer) return { kind: "unreachable", reason: answer.reason };
  if (answer.status === 404) return { kind: "absent", answer };
  const report = answer.status === 200 ? diagnosticsReportOf(answer.json) : undefined;
  return report ? { kind: "report", answer, report } : { kind: "unavailable", answer };
}

async function reach(call: () => Promise<Answer>): Promise<Answer | { reason: string }> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UnreachableError) return { reason: error.reason };
    throw error;
  }
}

function healthReportOf(json: unknown): HealthReport | undefined {
  if (!isObject(json) || typeof json.status !== "string") return undefined;
  const redis = isObject(json.redis)
    ? {
        reachable: json.redis.reachable === true,
        latencyMs: typeof json.redis.latencyMs === "number" ? json.redis.latencyMs : null,
        circuit: typeof json.redis.circuit === "string" ? json.redis.circuit : "unknown",
      }
    : null;
  return {
    status: json.status,
    store: typeof json.store === "string" ? json.store : undefined,
    redis,
    version: typeof json.version === "string" ? json.version : undefined,
    off: Array.isArray(json.off) ? json.off.filter((item): item is string => typeof item === "string") : [],
  };
}

function diagnosticsReportOf(json: unknown): DiagnosticsReport | undefined {
  if (!isObject(json) || typeof json.now !== "number") return undefined;
  const scheduled = isObject(json.scheduled)
    ? Object.fromEntries(Object.entries(json.scheduled).filter((entry): entry is [string, number] => typeof entry[1] === "number"))
    : null;
  const secrets = isObject(json.secrets)
    ? Object.fromEntries(Object.entries(json.secrets).filter((entry): entry is [string, boolean] => typeof entry[1] === "boolean"))
    : {};
  return { now: json.now, store: typeof json.store === "string" ? json.store : "unknown", secrets, scheduled };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
