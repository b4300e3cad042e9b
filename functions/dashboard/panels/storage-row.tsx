import type { DashboardSnapshot } from "../../../shared/dashboard/dashboard-snapshot";
import { formatBytes, formatCount } from "../format";

/** The tenant's Redis storage use against its budget, one row of the counters table. */
export function StorageRow({ storage }: { storage: DashboardSnapshot["storage"] }) {
  const { usedBytes, budgetBytes } = storage;
  if (budgetBytes === null) {
    return (
      <tr data-storage="memory-only">
        <td>Stored in Redis</td>
        <td class="num">–</td>
        <td class="num sub">memory-only: no Redis budget</td>
      </tr>
    );
  }
  if (usedBytes === null) {
    return (
      <tr data-storage="unknown" data-storage-budget={String(budgetBytes)}>
        <td>Stored in Redis</td>
        <td class="num">unknown</td>
        <td class="num sub">{`of ${formatBytes(budgetBytes)}`}</td>
      </tr>
    );
  }
  const share = budgetBytes > 0 ? Math.min(100, (usedBytes / budgetBytes) * 100) : 100;
  return (
    <tr data-storage="ok" data-storage-used={String(usedBytes)} data-storage-budget={String(budgetBytes)}>
      <td>Stored in Redis (approximate)</td>
      <td class="num">{`${formatCount(usedBytes)} B`}</td>
      <td class="num sub">{`${formatBytes(usedBytes)} of ${formatBytes(budgetBytes)} (${share.toFixed(1)}%)`}</td>
    </tr>
  );
}
