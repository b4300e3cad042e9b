import type { TopKey } from "../../../shared/dashboard/dashboard-snapshot";
import { displayKey, formatCount } from "../format";

/** The most read keys over the last day, counted by every isolate. */
export function TopKeys({ keys }: { keys: TopKey[] }) {
  if (keys.length === 0) return <p class="empty">No reads counted in the last day.</p>;
  const most = keys[0]?.reads ?? 1;
  return (
    <table>
      <thead>
        <tr>
          <th>Key</th>
          <th class="num">Reads</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {keys.map(({ key, reads }) => (
          <tr data-key-reads={String(reads)}>
            <td class="key" title={displayKey(key)}>
              {displayKey(key)}
            </td>
            <td class="num">{formatCount(reads)}</td>
            <td>
              <svg viewBox="0 0 100 8" width="80" height="8" preserveAspectRatio="none" aria-hidden="true">
                <rect class="track" x={0} y={0} width={100} height={8} rx={2} />
                <rect class="l2" x={0} y={0} width={Math.max(1, (reads / most) * 100)} height={8} rx={2} />
              </svg>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
