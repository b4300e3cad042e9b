/**
 * HTTP to the deployment under check. Answers of any status come back as they are: judging them
 * is each check's job. Only a request that got no answer at all throws (UnreachableError).
 */

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed, when it is JSON. */
  json: unknown;
  /** This machine's clock when the request left and when the answer's headers arrived. */
  sentAt: number;
  receivedAt: number;
}

export class UnreachableError extends Error {
  override readonly name = "UnreachableError";

  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: ${reason}`);
  }
}

export interface CallOptions {
  method?: string;
  /** Sent as `Authorization: Bearer …`. */
  token?: string | undefined;
  body?: string | Record<string, unknown>;
  contentType?: string;
}

export interface DeploymentClient {
  readonly baseUrl: string;
  call(path: string, options?: CallOptions): Promise<Answer>;
}

export function createDeploymentClient(options: { baseUrl: string; timeoutMs: number; now?: () => number }): DeploymentClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  return {
    baseUrl,
    async call(path, call = {}) {
      const url = `${baseUrl}${path}`;
      const headers = new Headers();
      if (call.token !== undefined) headers.set("Authorization", `Bearer ${call.token}`);
      let body: string | undefined;
      if (typeof call.body === "string") {
        body = call.body;
        headers.set("Content-Type", call.contentType ?? "text/plain");
      } else if (call.body !== undefined) {
        body = JSON.stringify(call.body);
        headers.set("Content-Type", "application/json");
      }
      const sentAt = now();
      let response: Response;
      try {
        response = await fetch(url, { method: call.method ?? "GET", headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        throw new UnreachableError(url, describeFailure(error, options.timeoutMs));
      }
      const receivedAt = now();
      const text = await response.text().catch(() => "");
      return { status: response.status, headers: response.headers, text, json: parseJson(text), sentAt, receivedAt };
    },
  };
}

/** The API's `{"error":{"code","message"}}`, when the answer is one. */
export function apiErrorOf(answer: Answer): { code: string; message: string } | undefined {
  const error = (answer.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== "string") return undefined;
  return { code: error.code, message: typeof error.message === "string" ? error.message : "" };
}

/** `401 unauthorized`, or the bare status when the body is not the API's error. */
export function describeAnswer(answer: Answer): string {
  const error = apiErrorOf(answer);
  return error ? `${answer.status} ${error.code}` : `HTTP ${answer.status}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === "string") return `connection failed (${cause.code})`;
  if (typeof cause?.message === "string") return `request failed (${cause.message})`;
  return error instanceof Error ? error.message : "request failed";
}
