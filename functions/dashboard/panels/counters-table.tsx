import type { DashboardSnapshot } from "../../../shared/dashboard/dashboard-snapshot";
import { formatBytes, formatCount } from "../format";
import { StorageRow } from "./storage-row";

const OTHER_COUNTERS = [
  { counter: "sets", label: "Sets" },
  { counter: "deletes", label: "Deletes" },
  { counter: "errors", label: "Errors (5xx answers)" },
  { counter: "memoryOnlyWrites", label: "Writes kept in memory only" },
  { counter: "bytesIn", label: "Bytes written" },
  { counter: "bytesOut", label: "Bytes read" },
  { counter: "tagInvalidations", label: "Tags invalidated" },
  { counter: "prefixInvalidations", label: "Key prefixes invalidated" },
] as const;

/** The remaining counters of `GET /v1/stats`, exact, the tenant's Redis storage use, and its share of this isolate's L1. */
export function CountersTable({ snapshot }: { snapshot: DashboardSnapshot }) {
  const { counters } = snapshot.totals;
  return (
    <section class="panel" data-panel="counters" aria-label="Writes and traffic">
      <h2>Writes and traffic</h2>
      <table>
        <tbody>
          {OTHER_COUNTERS.map(({ counter, label }) => (
            <tr>
              <td>{label}</td>
              <td class="num" data-counter={counter} data-value={String(counters[counter])}>
                {formatCount(counters[counter])}
              </td>
              <td class="num sub">{counter.startsWith("bytes") && counters[counter] >= 1024 ? formatBytes(counters[counter]) : ""}</td>
            </tr>
          ))}
          <StorageRow storage={snapshot.storage} />
          <tr>
            <td>In this isolate's L1</td>
            <td class="num">{`${formatCount(snapshot.l1.entries)} entries`}</td>
            <td class="num sub">{`${formatBytes(snapshot.l1.bytes)} of ${formatBytes(snapshot.l1.isolateBudgetBytes)}`}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
