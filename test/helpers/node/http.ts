export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface PostOptions {
  /** Sent as `Authorization: Bearer <token>` unless `headers` sets authorization itself. */
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A POST as the SDK would make it, but with the body and headers under the test's control. */
export async function post(url: string, body: unknown, options: PostOptions = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json", ...options.headers };
  if (options.token !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: options.signal,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: parseOrUndefined(text) };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
