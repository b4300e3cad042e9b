import { errorFromResponse } from "./errors.js";
import type { ClientOptions, FetchLike } from "./types.js";

export interface SendOptions {
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string | undefined>;
  body?: BodyInit;
  signal?: AbortSignal | undefined;
  /** Statuses besides 2xx the caller handles itself. */
  accept?: readonly number[];
}

export type Send = (method: string, path: string, options?: SendOptions) => Promise<Response>;

/** One place that builds URLs and headers and turns error answers into EdgeCacheError. */
export function createSend(options: ClientOptions): Send {
  const base = options.baseUrl.replace(/\/+$/, "");
  // Called unbound, fetch throws "Illegal invocation" in browsers and Workers.
  const fetchFn: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const authorization = `Bearer ${options.token}`;
  return async function send(method, path, { query, headers, body, signal, accept } = {}) {
    signal?.throwIfAborted();
    const merged = new Headers(options.headers);
    for (const [name, value] of Object.entries(headers ?? {})) if (value !== undefined) merged.set(name, value);
    merged.set("Authorization", authorization);
    const response = await fetchFn(`${base}${path}${queryString(query)}`, {
      method,
      headers: merged,
      ...(body === undefined ? {} : { body }),
      ...(signal ? { signal } : {}),
    });
    if (response.ok || accept?.includes(response.status)) return response;
    throw await errorFromResponse(response);
  };
}

function queryString(query: SendOptions["query"]): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/**
 * The path of one entry, its key percent-encoded whole (`/` as `%2F`). URL parsing drops `.` and
 * `..` segments, so those two keys would address another route: batch() reaches them.
 */
export function entryPath(key: string): string {
  if (key === "" || key === "." || key === "..")
    throw new TypeError(`edge-cache: key ${JSON.stringify(key)} has no URL of its own${key === "" ? "" : "; use batch()"}`);
  try {
    return `/v1/cache/${encodeURIComponent(key)}`;
  } catch {
    throw new TypeError("edge-cache: keys must be well-formed Unicode (no lone surrogates)");
  }
}
