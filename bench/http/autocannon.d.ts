// autocannon ships no types; this names only the part of its API the load process uses.
declare module "autocannon" {
  import type { EventEmitter } from "node:events";

  interface Options {
    url: string;
    connections: number;
    /** Seconds. */
    duration?: number;
    /** Responses to wait for instead of a duration. */
    amount?: number;
    requests: unknown[];
    timeout?: number;
  }

  interface Result {
    errors: number;
    timeouts: number;
    non2xx: number;
    duration: number;
    statusCodeStats: Record<string, { count: number }>;
    /** `sent`: requests written, those still unanswered when the run stopped included. */
    requests: { sent: number };
  }

  interface Instance extends EventEmitter {
    stop(): void;
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export default autocannon;
}
