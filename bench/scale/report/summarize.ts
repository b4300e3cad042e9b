import { median } from "../../l1/median.ts";
import type { SizeResult } from "../cost-suite.ts";
import { OPERATIONS, type OperationId, type OperationSample } from "../measure/operations.ts";
import { medianInterval } from "./median-interval.ts";

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface OperationCell {
  tenants: number;
  samples: number;
  /** Statuses (or tick outcomes) and error codes seen, with counts: `404`, `401 token_revoked`. */
  answers: Record<string, number>;
  requests: Spread;
  commands: Spread;
  redisCalls: Spread;
  ms: Spread;
  /** 95% confidence interval of the median latency (median-interval.ts). */
  msMedianInterval: { low: number; high: number };
  /** Nearest-rank p95 of the latencies, when there are at least 20 samples. */
  p95Ms: number | undefined;
  /** Ticks with a queue. */
  messages?: Spread;
  consumerRequests?: Spread;
}

export interface OperationVerdict {
  id: OperationId;
  label: string;
  cells: OperationCell[];
  /** The median request count is the same at every size. */
  sameRequests: boolean;
  /** The median command count (commands inside pipelines included) is the same at every size. */
  sameCommands: boolean;
  /** The median count of calls Redis executed (script inner calls included) is the same at every size. */
  sameRedisCalls: boolean;
  /**
   * No size measurably slower than the smallest: its median within LATENCY_NOISE of the smallest
   * size's, or, if further, not distinguishable from it (the two medians' confidence intervals overlap).
   */
  latencyWithinNoise: boolean;
  /** Every answer was the expected one. */
  answersAsExpected: boolean;
}

/** "Within noise": at most this much slower than at the smallest size, relatively or absolutely, whichever is larger. */
export const LATENCY_NOISE = { ratio: 0.25, ms: 0.5 } as const;

const spread = (values: readonly number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

function p95(values: readonly number[]): number | undefined {
  if (values.length < 20) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(0.95 * sorted.length) - 1];
}

function answerOf(sample: OperationSample): string {
  return sample.errorCode ? `${sample.status} ${sample.errorCode}` : sample.status;
}

function cellOf(tenants: number, samples: readonly OperationSample[]): OperationCell {
  const answers: Record<string, number> = {};
  for (const sample of samples) answers[answerOf(sample)] = (answers[answerOf(sample)] ?? 0) + 1;
  const cell: OperationCell = {
    tenants,
    samples: samples.length,
    answers,
    requests: spread(samples.map((s) => s.requests)),
    commands: spread(samples.map((s) => s.commands)),
    redisCalls: spread(samples.map((s) => s.redisCalls)),
    ms: spread(samples.map((s) => s.ms)),
    msMedianInterval: medianInterval(samples.map((s) => s.ms)),
    p95Ms: p95(samples.map((s) => s.ms)),
  };
  const queued = samples.flatMap((s) => (s.queue ? [s.queue] : []));
  if (queued.length > 0) {
    cell.messages = spread(queued.map((q) => q.messages));
    cell.consumerRequests = spread(queued.map((q) => q.consumerRequests));
  }
  return cell;
}

/** Per operation: its cells by size and whether it met the targets. Operations never measured are left out. */
export function summarizeCost(sizes: readonly SizeResult[]): OperationVerdict[] {
  return OPERATIONS.flatMap((operation): OperationVerdict[] => {
    const cells = sizes.flatMap((size) => {
      const samples = size.samples[operation.id];
      return samples && samples.length > 0 ? [cellOf(size.tenants, samples)] : [];
    });
    if (cells.length === 0) return [];
    const same = (pick: (cell: OperationCell) => number) => cells.every((cell) => pick(cell) === pick(cells[0] as OperationCell));
    const smallest = cells[0] as OperationCell;
    const allowance = Math.max(LATENCY_NOISE.ms, LATENCY_NOISE.ratio * smallest.ms.median);
    const withinNoise = (cell: OperationCell) =>
      cell.ms.median <= smallest.ms.median + allowance || cell.msMedianInterval.low <= smallest.msMedianInterval.high;
    return [
      {
        id: operation.id,
        label: operation.label,
        cells,
        sameRequests: same((cell) => cell.requests.median),
        sameCommands: same((cell) => cell.commands.median),
        sameRedisCalls: same((cell) => cell.redisCalls.median),
        latencyWithinNoise: cells.every(withinNoise),
        answersAsExpected: cells.every((cell) => Object.keys(cell.answers).every((answer) => answer.split(" ")[0] === operation.expect)),
      },
    ];
  });
}
