import type { DoctorOptions } from "./args.ts";
import type { CheckResult } from "./check-result.ts";
import { adminApiCheck } from "./checks/admin-api-check.ts";
import { adminTokenCheck } from "./checks/admin-token-check.ts";
import { clockCheck } from "./checks/clock-check.ts";
import { configCheck } from "./checks/config-check.ts";
import { cronCheck } from "./checks/cron-check.ts";
import { healthCheck } from "./checks/health-check.ts";
import { redisCheck } from "./checks/redis-check.ts";
import { roundTripCheck } from "./checks/round-trip-check.ts";
import type { DeploymentClient } from "./deployment-client.ts";
import { gatherFacts } from "./deployment-facts.ts";
import { buildReport, type DoctorReport } from "./report.ts";

/**
 * Every check, in the order a problem is best fixed: reachable, configured, admitted, then what
 * depends on those. A check that cannot run because of an earlier one is skipped, saying why,
 * rather than failing again for the same cause.
 */
export async function runDoctor(client: DeploymentClient, options: DoctorOptions): Promise<DoctorReport> {
  const facts = await gatherFacts(client, options.adminToken);
  const serverNow = facts.diagnostics.kind === "report" ? facts.diagnostics.report.now : Date.now();
  const checks: CheckResult[] = [
    healthCheck(facts.health, client.baseUrl),
    redisCheck(facts.health),
    configCheck(facts),
    adminTokenCheck(facts, options.adminTokenSource),
    clockCheck(facts),
    await adminApiCheck(client, facts, options.adminToken),
    await roundTripCheck(client, facts, options.adminToken),
    cronCheck(facts, { baseUrl: client.baseUrl, configPath: options.configPath, now: serverNow }),
  ];
  return buildReport(client.baseUrl, checks);
}
