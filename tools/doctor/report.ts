import type { CheckResult, CheckStatus } from "./check-result.ts";

/** The whole run, as printed: text for people, JSON for scripts. */
export interface DoctorReport {
  url: string;
  checks: CheckResult[];
  counts: Record<CheckStatus, number>;
  /** No check failed. */
  ok: boolean;
}

export function buildReport(url: string, checks: CheckResult[]): DoctorReport {
  const counts: Record<CheckStatus, number> = { ok: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) counts[check.status]++;
  return { url, checks, counts, ok: counts.fail === 0 };
}

/** 0 when nothing failed (warnings allowed), 1 otherwise. */
export function exitCodeOf(report: DoctorReport): number {
  return report.ok ? 0 : 1;
}

const LABEL: Record<CheckStatus, string> = { ok: "OK", warn: "WARN", fail: "FAIL", skip: "SKIP" };

export function renderText(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.title.length));
  const lines = [`edge-cache doctor: ${report.url}`, ""];
  for (const check of report.checks) {
    lines.push(`${LABEL[check.status].padEnd(5)} ${check.title.padEnd(width)}  ${check.summary}`);
    for (const problem of check.problems) {
      lines.push(`      problem: ${problem.message}`, `      fix:     ${problem.fix}`);
    }
  }
  const { ok, warn, fail, skip } = report.counts;
  lines.push("", `${ok} OK, ${warn} WARN, ${fail} FAIL, ${skip} SKIP`);
  return lines.join("\n");
}

export function renderJson(report: DoctorReport): string {
  return JSON.stringify(report, null, 2);
}
