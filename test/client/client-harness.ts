import { createClient, type EdgeCacheClient, type FetchLike } from "../../client/index";
import type { TestApp } from "../helpers/worker/test-env";

const inFlight = new Set<Promise<unknown>>();

/**
 * A fetch that answers through the app in this isolate and honours AbortSignal as fetch does: an
 * aborted call rejects at once, while the app finishes the request in the background.
 */
export function fetchThrough(app: TestApp): FetchLike {
  return (input, init) => {
    const signal = init.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      const handled = app
        .request(input, init)
        .then(resolve, reject)
        .finally(() => signal?.removeEventListener("abort", onAbort));
      inFlight.add(handled);
      void handled.finally(() => inFlight.delete(handled));
    });
  };
}

export const BASE_URL = "https://edge-cache.test";

export function clientFor(app: TestApp, tenant: { token: string }, baseUrl = BASE_URL): EdgeCacheClient {
  return createClient({ baseUrl, token: tenant.token, fetch: fetchThrough(app) });
}

/** Waits for requests still running after their caller aborted, so none outlives its test. */
export async function settleAborted(): Promise<void> {
  while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
}
