import type { WarmRunSummary, WarmSummary } from "../../../shared/dashboard/warm-summary";
import { displayKey, formatBytes, formatCount, formatDateTime, formatDuration } from "../format";

const STOPPED_BY: Record<NonNullable<WarmRunSummary["stoppedBy"]>, string> = {
  budget: "out of subrequest budget",
  time: "out of time",
  store_unavailable: "Redis unavailable",
};

/** Warm plans and their newest runs, each with its outcome. */
export function WarmRuns({ warm }: { warm: WarmSummary }) {
  if (warm.plans.length === 0) return <p class="empty">{"No warm plans. Create one with PUT /v1/warm/plans/{name}."}</p>;
  return (
    <>
      <table>
        <thead>
          <tr>
            <th>Plan</th>
            <th>Schedule</th>
            <th class="num">Keys</th>
            <th class="num">Priority</th>
          </tr>
        </thead>
        <tbody>
          {warm.plans.map((plan) => (
            <tr>
              <td>{plan.name}</td>
              <td>
                <code>{plan.schedule}</code>
              </td>
              <td class="num">{formatCount(plan.targets)}</td>
              <td class="num">{plan.priority}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Latest runs</h3>
      {warm.runs.length === 0 ? <p class="empty">No runs yet.</p> : <RunsTable runs={warm.runs} />}
    </>
  );
}

function RunsTable({ runs }: { runs: WarmRunSummary[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Started</th>
          <th>Plan</th>
          <th>Trigger</th>
          <th>Outcome</th>
          <th class="num">Stored</th>
          <th class="num">Unchanged</th>
          <th class="num">Failed</th>
          <th class="num">Skipped</th>
          <th class="num">Downloaded</th>
          <th class="num">Took</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => (
          <tr data-run-outcome={run.outcome}>
            <td>{formatDateTime(run.startedAt)}</td>
            <td>{run.plan}</td>
            <td>{run.trigger}</td>
            <td>
              <span class={`badge ${run.outcome}`}>{run.outcome}</span>
              {run.outcome === "resuming" && run.stoppedBy ? <div class="sub">{STOPPED_BY[run.stoppedBy]}</div> : null}
              {run.errors.map((error) => (
                <div class="sub">{`${displayKey(error.key)}: ${error.reason}${error.status ? ` (${error.status})` : ""}`}</div>
              ))}
            </td>
            <td class="num">{`${formatCount(run.ok)} / ${formatCount(run.total)}`}</td>
            <td class="num">{formatCount(run.notModified)}</td>
            <td class="num">{formatCount(run.failed)}</td>
            <td class="num">{formatCount(run.skipped)}</td>
            <td class="num">{formatBytes(run.bytes)}</td>
            <td class="num">{formatDuration(run.endedAt - run.startedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
