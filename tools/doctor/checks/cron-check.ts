import { type CheckResult, ok, type Problem, skip, warn } from "../check-result.ts";
import { CronParseError, firedRecently, formatDuration, scheduleOf } from "../cron-schedule.ts";
import { adminUnavailableReason, type DeploymentFacts } from "../deployment-facts.ts";
import { readDeclaredCrons, WranglerConfigError } from "../wrangler-crons.ts";

const ID = "crons";
const TITLE = "cron triggers";

export interface CronCheckOptions {
  baseUrl: string;
  configPath: string;
  /** The server's clock when known, so skew here does not make a trigger look silent. */
  now: number;
}

/**
 * Each cron wrangler.toml declares has reached the scheduled handler within twice its period,
 * by the deployment's own record of its ticks (GET /admin/diagnostics). A Worker cannot list its
 * triggers, and a trigger missing from the deployment fails silently: warm plans on it never run.
 */
export function cronCheck(facts: DeploymentFacts, options: CronCheckOptions): CheckResult {
  const { diagnostics } = facts;
  let declared: string[];
  try {
    declared = readDeclaredCrons(options.configPath);
  } catch (error) {
    if (!(error instanceof WranglerConfigError)) throw error;
    return warn(ID, TITLE, "no declared triggers to check", [
      { message: error.message, fix: "run the doctor from the project's directory, or pass --config path/to/wrangler.toml" },
    ]);
  }
  if (declared.length === 0) {
    return warn(ID, TITLE, `${options.configPath} declares no cron triggers`, [
      {
        message: "without a trigger, scheduled warming, refresh-ahead and stats flushes from cron never run",
        fix: 'declare them under [triggers]: crons = ["* * * * *", "*/5 * * * *", "0 * * * *"], then `npm run deploy`',
      },
    ]);
  }
  switch (diagnostics.kind) {
    case "not-asked":
      return skip(ID, TITLE, adminUnavailableReason(facts) ?? "GET /admin/diagnostics was not asked");
    case "unreachable":
      return skip(ID, TITLE, `GET /admin/diagnostics: ${diagnostics.reason}`);
    case "absent":
      return warn(ID, TITLE, "the deployment has no GET /admin/diagnostics", [
        { message: "it runs a version from before cron ticks were recorded", fix: "deploy the current version: `npm run deploy`" },
      ]);
    case "unavailable":
      return warn(ID, TITLE, `GET /admin/diagnostics answered HTTP ${diagnostics.answer.status}`, [
        { message: "the tick record could not be read", fix: "see the redis check; run the doctor again once Redis answers" },
      ]);
    case "report":
      break;
  }
  const { scheduled } = diagnostics.report;
  if (scheduled === null) {
    return skip(ID, TITLE, `memory-only: ticks cannot be recorded without Redis (${declared.length} declared)`);
  }
  const problems = declared.flatMap((cron) => problemOf(cron, scheduled[normalize(cron)], options));
  const summary = `${declared.length - problems.length} of ${declared.length} declared triggers fired within twice their period`;
  return problems.length === 0 ? ok(ID, TITLE, `${summary} (${options.configPath})`) : warn(ID, TITLE, summary, problems);
}

function problemOf(cron: string, lastRunAt: number | undefined, options: CronCheckOptions): Problem[] {
  let schedule: ReturnType<typeof scheduleOf>;
  try {
    schedule = scheduleOf(cron, options.now);
  } catch (error) {
    if (!(error instanceof CronParseError)) throw error;
    return [{ message: `\`${cron}\` is not a cron expression: ${error.message}`, fix: `correct it in ${options.configPath}` }];
  }
  if (lastRunAt !== undefined && firedRecently(lastRunAt, schedule, options.now)) return [];
  const next = schedule.nextAt === undefined ? "" : `; next slot ${new Date(schedule.nextAt).toISOString().slice(0, 16)}Z`;
  const message =
    lastRunAt === undefined
      ? `\`${cron}\` has never fired (no tick recorded)${next}`
      : `\`${cron}\` last fired ${formatDuration(options.now - lastRunAt)} ago; it should every ${formatDuration(schedule.periodMs)}`;
  return [{ message, fix: fixFor(cron, options.baseUrl) }];
}

function fixFor(cron: string, baseUrl: string): string {
  if (isLocal(baseUrl)) {
    const query = encodeURIComponent(cron).replaceAll("%20", "+").replaceAll("%2F", "/");
    return `locally, triggers fire on request (wrangler dev --test-scheduled): \`curl '${baseUrl}/__scheduled?cron=${query}'\``;
  }
  return (
    "check the Worker's triggers (dashboard: Workers & Pages → the Worker → Settings → Triggers); " +
    "`wrangler triggers deploy` applies wrangler.toml's crons (Workers Free allows 5 per account)"
  );
}

function isLocal(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost");
}

/** As the deployment records them: single spaces between fields. */
function normalize(cron: string): string {
  return cron.trim().split(/\s+/).join(" ");
}
