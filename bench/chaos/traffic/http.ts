/** One request, timed from before it is sent until its body has been read in full. */
export interface TimedResponse {
  start: number;
  end: number;
  latencyMs: number;
  /** 0 when no HTTP answer arrived. */
  status: number;
  headers: Headers;
  body: Uint8Array;
  networkError?: string;
}

export interface TimedFetchOptions {
  /**
   * The client gives up after this long. Far beyond any deadline the checks apply: a request is
   * never cut short by the client, so the worker's stats and the client's tally stay comparable.
   * @default 15_000
   */
  hardTimeoutMs?: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

export async function timedFetch(url: string, init: RequestInit, options: TimedFetchOptions = {}): Promise<TimedResponse> {
  const started = performance.now();
  const start = epochNow();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.hardTimeoutMs ?? 15_000) });
    const body = new Uint8Array(await response.arrayBuffer());
    const latencyMs = performance.now() - started;
    return { start, end: start + latencyMs, latencyMs, status: response.status, headers: response.headers, body };
  } catch (error) {
    const latencyMs = performance.now() - started;
    return {
      start,
      end: start + latencyMs,
      latencyMs,
      status: 0,
      headers: new Headers(),
      body: new Uint8Array(),
      networkError: describe(error),
    };
  }
}

/** undici hides the socket's reason in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.name}: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}

const decoder = new TextDecoder();

/** `error.code` of edge-cache's JSON error body, if the body is one. */
export function errorCodeOf(body: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(decoder.decode(body)) as { error?: { code?: unknown } };
    return typeof parsed.error?.code === "string" ? parsed.error.code : undefined;
  } catch {
    return undefined;
  }
}

export function jsonOf<T>(body: Uint8Array): T | undefined {
  try {
    return JSON.parse(decoder.decode(body)) as T;
  } catch {
    return undefined;
  }
}
