/** What one check of `npm run doctor` found. */

/** `skip`: the check could not run because an earlier one failed, or does not apply here. */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

/** Something wrong, and what to do about it. */
export interface Problem {
  message: string;
  fix: string;
}

export interface CheckResult {
  /** Stable, for --json readers: health, redis, config, admin-token, clock, admin-api, round-trip, crons. */
  id: string;
  title: string;
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  problems: Problem[];
}

export function ok(id: string, title: string, summary: string): CheckResult {
  return { id, title, status: "ok", summary, problems: [] };
}

export function skip(id: string, title: string, reason: string): CheckResult {
  return { id, title, status: "skip", summary: reason, problems: [] };
}

export function warn(id: string, title: string, summary: string, problems: Problem[]): CheckResult {
  return { id, title, status: "warn", summary, problems };
}

export function fail(id: string, title: string, summary: string, problems: Problem[]): CheckResult {
  return { id, title, status: "fail", summary, problems };
}
