import type { Answer } from "./deployment-client.ts";

/**
 * How far the server's clock is from this machine's, from one request: the server's time is
 * compared with the middle of the request's round trip here, so the estimate is uncertain by
 * half the round trip, plus the second an HTTP Date header rounds away.
 */
export interface SkewEstimate {
  /** Server minus local, in ms: positive when the server is ahead. */
  skewMs: number;
  uncertaintyMs: number;
  source: "GET /admin/diagnostics" | "Date header";
}

/** From a server time with millisecond precision (GET /admin/diagnostics's `now`). */
export function skewFromServerTime(serverMs: number, answer: Answer): SkewEstimate {
  const { midpoint, halfTrip } = roundTrip(answer);
  return { skewMs: serverMs - midpoint, uncertaintyMs: halfTrip, source: "GET /admin/diagnostics" };
}

/** From an HTTP Date header, which truncates to the second; undefined without one. */
export function skewFromDateHeader(answer: Answer): SkewEstimate | undefined {
  const header = answer.headers.get("Date");
  const date = header ? Date.parse(header) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  const { midpoint, halfTrip } = roundTrip(answer);
  return { skewMs: date + 500 - midpoint, uncertaintyMs: halfTrip + 500, source: "Date header" };
}

function roundTrip(answer: Answer): { midpoint: number; halfTrip: number } {
  const halfTrip = (answer.receivedAt - answer.sentAt) / 2;
  return { midpoint: answer.sentAt + halfTrip, halfTrip };
}
