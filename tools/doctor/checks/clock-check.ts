import { type CheckResult, ok, skip, warn } from "../check-result.ts";
import { type SkewEstimate, skewFromDateHeader, skewFromServerTime } from "../clock-skew.ts";
import type { DeploymentFacts } from "../deployment-facts.ts";

const ID = "clock";
const TITLE = "clock";

/** Token expiry, TTLs, warm schedules and this tool's cron check all compare times across machines. */
export const MAX_SKEW_MS = 5000;

/** The server's clock against this machine's: the diagnostics route's `now` when there is one, else the Date header. */
export function clockCheck({ health, diagnostics }: DeploymentFacts): CheckResult {
  const estimate = estimateOf({ health, diagnostics });
  if (!estimate) {
    const diagnosticsMissing = diagnostics.kind === "not-asked" ? "needs the admin token" : "did not answer it";
    return skip(
      ID,
      TITLE,
      `no server time to compare: no Date header (wrangler dev sends none), and GET /admin/diagnostics ${diagnosticsMissing}`,
    );
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  const direction = estimate.skewMs >= 0 ? "ahead of" : "behind";
  const described = `server ${seconds(Math.abs(estimate.skewMs))} s ${direction} this machine (±${seconds(estimate.uncertaintyMs)} s, ${estimate.source})`;
  // Only skew beyond what the measurement itself cannot tell apart.
  if (Math.abs(estimate.skewMs) - estimate.uncertaintyMs <= MAX_SKEW_MS) return ok(ID, TITLE, described);
  return warn(ID, TITLE, described, [
    {
      message: `the clocks differ by more than ${MAX_SKEW_MS / 1000} s: token expiry and the cron check below are judged across them`,
      fix:
        "a Worker runs on Cloudflare's clock, so this machine's is the likely one off: sync it " +
        "(`timedatectl set-ntp true`, or `sudo chronyc makestep`), then run the doctor again",
    },
  ]);
}

function estimateOf({ health, diagnostics }: Pick<DeploymentFacts, "health" | "diagnostics">): SkewEstimate | undefined {
  if (diagnostics.kind === "report") return skewFromServerTime(diagnostics.report.now, diagnostics.answer);
  return health.kind === "unreachable" ? undefined : skewFromDateHeader(health.answer);
}
