import { errorCodeOf, type TimedResponse, timedFetch } from "./http.ts";
import type { Journal, RequestRecord, Route } from "./journal.ts";
import type { Tally } from "./stats-tally.ts";

/** A tenant's credentials as one virtual user holds them. */
export interface Access {
  tenant: string;
  token: string;
  tokenKind: "main" | "tight";
}

export interface TrafficContext {
  baseUrl: string;
  journal: Journal;
}

export interface Sent {
  response: TimedResponse;
  record: RequestRecord;
}

/**
 * Sends one request to the worker and journals it. `potential` is the most the request can add
 * to the tenant's stats; `counted` turns the answer into what the worker did add.
 */
export async function send(
  ctx: TrafficContext,
  route: Route,
  access: Access | undefined,
  path: string,
  init: RequestInit,
  potential: Partial<Tally>,
  counted: (response: TimedResponse) => Partial<Tally>,
): Promise<Sent> {
  const { journal } = ctx;
  const phase = journal.phase;
  const finish = access ? journal.tally.begin(access.tenant, potential) : undefined;
  const headers = new Headers(init.headers);
  if (access) headers.set("authorization", `Bearer ${access.token}`);
  const response = await timedFetch(`${ctx.baseUrl}${path}`, { ...init, headers });
  // No answer: the worker may or may not have counted it; the upper bound must assume it did.
  finish?.(response.status === 0 ? potential : counted(response));
  const record: RequestRecord = {
    id: journal.nextId(),
    route,
    tenant: access?.tenant ?? "",
    token: access?.tokenKind ?? "main",
    phase,
    start: response.start,
    end: response.end,
    latencyMs: response.latencyMs,
    status: response.status,
  };
  if (response.networkError) record.networkError = response.networkError;
  if (response.status >= 400) {
    const code = errorCodeOf(response.body);
    if (code) record.errorCode = code;
    const requestId = response.headers.get("x-request-id");
    if (response.status >= 500 && requestId) record.requestId = requestId;
    const retryAfter = response.headers.get("retry-after");
    if (retryAfter !== null) record.retryAfter = retryAfter;
  }
  journal.records.push(record);
  return { response, record };
}

/** A 5xx adds one to `errors`, whatever the route. */
export function errorsOf(status: number): Partial<Tally> {
  return status >= 500 ? { errors: 1 } : {};
}
