export interface TimedResponse {
  status: number;
  /** `error.code` of a JSON error body, when there is one. */
  errorCode: string | undefined;
  headers: Headers;
  /** From sending the request to the end of its body, ms. */
  ms: number;
}

/** One request, its body read to the end, timed on this side of the wire. */
export async function timedFetch(url: string, init: RequestInit = {}): Promise<TimedResponse> {
  const started = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  const ms = performance.now() - started;
  return { status: response.status, errorCode: errorCodeOf(body), headers: response.headers, ms };
}

export function errorCodeOf(body: string): string | undefined {
  return /^\{"error":\{"code":"([a-z_]+)"/.exec(body)?.[1];
}
