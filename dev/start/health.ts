import { setTimeout as sleep } from "node:timers/promises";

export interface WaitForHealthOptions {
  /** @default 60_000: the first wrangler build can take a while */
  timeoutMs?: number;
  /** Stop waiting when this turns false, e.g. wrangler exited. @default always true */
  stillStarting?: () => boolean;
}

/** Resolves true once `GET <url>/health` answers at all (any status), false on timeout. */
export async function waitForHealth(url: string, options: WaitForHealthOptions = {}): Promise<boolean> {
  const { timeoutMs = 60_000, stillStarting = () => true } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && stillStarting()) {
    try {
      await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      return true;
    } catch {
      await sleep(250);
    }
  }
  return false;
}
