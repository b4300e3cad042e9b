import { seededRandom } from "../l1/prng.ts";
import { zipfSampler } from "../l1/traces.ts";

/**
 * What one load run sends, as plain data: the parent describes it, the load process (a separate
 * Node process) turns it into autocannon requests, so the two share no functions or state.
 */
export type RequestPlan =
  | { kind: "get"; path: string }
  | { kind: "put"; path: string; body: string; contentType: string }
  | { kind: "post-json"; path: string; body: string }
  | {
      kind: "mixed";
      /** Keys are `<keyPrefix><rank>`, rank 0 the most popular. */
      keyPrefix: string;
      keyCount: number;
      /** Zipf skew. */
      alpha: number;
      /** Share of requests that are PUTs; the rest are GETs. */
      setShare: number;
      seed: number;
      body: string;
      contentType: string;
      /** Appended to a PUT's path, e.g. a TTL longer than the run. */
      putQuery: string;
    };

/** autocannon's hook after each response: the body as text, header names as the server sent them. */
export type OnResponse = (status: number, body: string, context: unknown, headers: Record<string, string | string[]>) => void;

/** The autocannon request objects we use: one static request, or one rebuilt before every send. */
export interface LoadRequest {
  method: "GET" | "PUT" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: LoadRequest) => LoadRequest;
  onResponse?: OnResponse;
}

export function toLoadRequests(plan: RequestPlan, headers: Record<string, string>, onResponse: OnResponse): LoadRequest[] {
  switch (plan.kind) {
    case "get":
      return [{ method: "GET", path: plan.path, headers, onResponse }];
    case "put":
      return [{ method: "PUT", path: plan.path, headers: { ...headers, "content-type": plan.contentType }, body: plan.body, onResponse }];
    case "post-json":
      return [
        { method: "POST", path: plan.path, headers: { ...headers, "content-type": "application/json" }, body: plan.body, onResponse },
      ];
    case "mixed":
      return [{ ...mixedRequest(plan, headers), onResponse }];
  }
}

function mixedRequest(plan: Extract<RequestPlan, { kind: "mixed" }>, headers: Record<string, string>): LoadRequest {
  // One seeded stream for the whole run: the sequence of operations and keys is the same on
  // every run, whichever connection happens to send each one.
  const random = seededRandom(plan.seed);
  const rank = zipfSampler(plan.keyCount, plan.alpha, random);
  const putHeaders = { ...headers, "content-type": plan.contentType };
  return {
    method: "GET",
    path: "/",
    setupRequest(request) {
      const path = `${plan.keyPrefix}${rank()}`;
      if (random() < plan.setShare)
        return { ...request, method: "PUT", path: `${path}${plan.putQuery}`, headers: putHeaders, body: plan.body };
      return { ...request, method: "GET", path, headers, body: "" };
    },
  };
}
