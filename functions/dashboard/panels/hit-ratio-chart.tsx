import type { HitRatioSeries, SeriesBucket } from "../../../shared/dashboard/hit-ratio-series";
import { formatClock, formatCount, formatPercent } from "../format";
import { brokenLinePath, tickMinutes, timeTicks } from "./chart-geometry";

const WIDTH = 760;
const LEFT = 40;
const RIGHT = 10;
const RATIO_TOP = 10;
const RATIO_HEIGHT = 170;
const STRIP_TOP = RATIO_TOP + RATIO_HEIGHT + 26;
const STRIP_HEIGHT = 48;
const HEIGHT = STRIP_TOP + STRIP_HEIGHT + 20;
const PLOT_WIDTH = WIDTH - LEFT - RIGHT;

/**
 * Hit ratio per bucket as a line (gaps where a bucket had no reads), and below it the reads per
 * bucket with their misses, so a ratio is never read without its volume. Plain SVG: each bucket
 * carries a <title>, which browsers show on hover without any script.
 */
export function HitRatioChart({ series }: { series: HitRatioSeries }) {
  const span = series.to - series.from;
  const x = (at: number) => LEFT + ((Math.min(Math.max(at, series.from), series.to) - series.from) / span) * PLOT_WIDTH;
  const yRatio = (ratio: number) => RATIO_TOP + (1 - ratio) * RATIO_HEIGHT;
  const bucketMs = series.bucketMinutes * 60_000;
  const lookups = series.buckets.map((bucket) => lookupsOf(bucket));
  const maxLookups = Math.max(0, ...lookups);
  const points = series.buckets.map((bucket) =>
    bucket.hitRatio === null ? undefined : { x: (x(bucket.at) + x(bucket.at + bucketMs)) / 2, y: yRatio(bucket.hitRatio) },
  );
  const isolated = points.filter((point, i) => point && !points[i - 1] && !points[i + 1]);
  const windowMinutes = span / 60_000;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width="100%"
      role="img"
      aria-label={`Hit ratio per ${series.bucketMinutes} minute${series.bucketMinutes > 1 ? "s" : ""}, ${formatClock(series.from)} to ${formatClock(series.to)} UTC`}
    >
      {[0, 0.25, 0.5, 0.75, 1].map((ratio) => (
        <g>
          <line class="gridline" x1={LEFT} x2={WIDTH - RIGHT} y1={yRatio(ratio)} y2={yRatio(ratio)} />
          <text x={LEFT - 6} y={yRatio(ratio) + 4} text-anchor="end">
            {`${ratio * 100}%`}
          </text>
        </g>
      ))}
      <line class="gridline" x1={LEFT} x2={WIDTH - RIGHT} y1={STRIP_TOP + STRIP_HEIGHT} y2={STRIP_TOP + STRIP_HEIGHT} />
      <text x={LEFT} y={STRIP_TOP - 8}>
        {`Reads per ${series.bucketMinutes} min${maxLookups > 0 ? ` (peak ${formatCount(maxLookups)})` : ""}; misses in red`}
      </text>
      {series.buckets.map((bucket, i) => {
        const x0 = x(bucket.at);
        const width = Math.max(1, x(bucket.at + bucketMs) - x0 - (series.buckets.length > 90 ? 0.5 : 1));
        const total = lookups[i] ?? 0;
        const barHeight = maxLookups === 0 ? 0 : (total / maxLookups) * STRIP_HEIGHT;
        const missHeight = total === 0 ? 0 : (bucket.counters.misses / total) * barHeight;
        const base = STRIP_TOP + STRIP_HEIGHT;
        return (
          <g>
            {barHeight > 0 ? <rect class="hits" x={x0} y={base - barHeight} width={width} height={barHeight - missHeight} /> : null}
            {missHeight > 0 ? <rect class="misses" x={x0} y={base - missHeight} width={width} height={missHeight} /> : null}
            <rect class="hover" x={x0} y={RATIO_TOP} width={width} height={base - RATIO_TOP}>
              <title>{bucketTitle(bucket, bucketMs)}</title>
            </rect>
          </g>
        );
      })}
      <path class="ratio" d={brokenLinePath(points)} />
      {isolated.map((point) => (point ? <circle class="ratio-dot" cx={point.x} cy={point.y} r={2.5} /> : null))}
      {timeTicks(series.from, series.to, tickMinutes(windowMinutes)).map((at) => (
        <text x={x(at)} y={HEIGHT - 4} text-anchor="middle">
          {formatClock(at)}
        </text>
      ))}
      {maxLookups === 0 ? (
        <text x={LEFT + PLOT_WIDTH / 2} y={RATIO_TOP + RATIO_HEIGHT / 2} text-anchor="middle">
          No reads counted in this window yet
        </text>
      ) : null}
    </svg>
  );
}

function lookupsOf(bucket: SeriesBucket): number {
  const { l1Hits, l2Hits, staleServed, misses } = bucket.counters;
  return l1Hits + l2Hits + staleServed + misses;
}

function bucketTitle(bucket: SeriesBucket, bucketMs: number): string {
  const { l1Hits, l2Hits, staleServed, misses } = bucket.counters;
  const range = `${formatClock(bucket.at)}–${formatClock(bucket.at + bucketMs)} UTC`;
  if (lookupsOf(bucket) === 0) return `${range}: no reads`;
  return `${range}: ${formatPercent(bucket.hitRatio)} hits of ${formatCount(lookupsOf(bucket))} reads (L1 ${formatCount(l1Hits)}, L2 ${formatCount(l2Hits)}, stale ${formatCount(staleServed)}, miss ${formatCount(misses)})`;
}
