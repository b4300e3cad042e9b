import type { TenantTotals } from "../../../shared/dashboard/totals";
import { formatCount, formatPercent } from "../format";

const TIERS = [
  { counter: "l1Hits", label: "L1 hits (isolate memory)", css: "l1" },
  { counter: "l2Hits", label: "L2 hits (Redis)", css: "l2" },
  { counter: "staleServed", label: "Stale served", css: "stale" },
  { counter: "misses", label: "Misses", css: "miss" },
] as const;

/** Where reads were answered: one stacked bar and the exact counts behind it. */
export function TierSplit({ totals }: { totals: TenantTotals }) {
  const lookups = TIERS.reduce((sum, tier) => sum + totals.counters[tier.counter], 0);
  let offset = 0;
  return (
    <section class="panel" data-panel="split" aria-label="Reads by tier">
      <h2>Reads by tier</h2>
      <p class="big" data-counter="hitRatio" data-value={totals.hitRatio === null ? "" : String(totals.hitRatio)}>
        {formatPercent(totals.hitRatio)}
        <small>{totals.hitRatio === null ? "hit ratio: no reads yet" : "hit ratio"}</small>
      </p>
      <svg viewBox="0 0 400 16" width="100%" height="16" preserveAspectRatio="none" role="img" aria-label="Share of reads per tier">
        <rect class="track" x={0} y={0} width={400} height={16} rx={3} />
        {TIERS.map((tier) => {
          const width = lookups === 0 ? 0 : (totals.counters[tier.counter] / lookups) * 400;
          const x = offset;
          offset += width;
          return width > 0 ? <rect class={tier.css} x={x} y={0} width={width} height={16} /> : null;
        })}
      </svg>
      <table>
        <tbody>
          {TIERS.map((tier) => (
            <tr>
              <td>
                <span class={`swatch ${tier.css}`} />
                {tier.label}
              </td>
              <td class="num" data-counter={tier.counter} data-value={String(totals.counters[tier.counter])}>
                {formatCount(totals.counters[tier.counter])}
              </td>
              <td class="num sub">{lookups === 0 ? "–" : formatPercent(totals.counters[tier.counter] / lookups)}</td>
            </tr>
          ))}
          <tr>
            <td>All reads</td>
            <td class="num">{formatCount(lookups)}</td>
            <td class="num sub" />
          </tr>
        </tbody>
      </table>
    </section>
  );
}
