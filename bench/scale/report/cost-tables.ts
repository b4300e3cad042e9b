import type { SizeResult } from "../cost-suite.ts";
import type { OperationCell, OperationVerdict, Spread } from "./summarize.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
const yes = (met: boolean) => (met ? "yes" : "**no**");

/** `3`, or `3 (2-5)` when the repetitions did not all agree. */
function count(spread: Spread): string {
  return spread.min === spread.max ? int(spread.median) : `${int(spread.median)} (${int(spread.min)}-${int(spread.max)})`;
}

const perSize = (cells: readonly OperationCell[], show: (cell: OperationCell) => string) => cells.map(show).join(" / ");

function answers(cells: readonly OperationCell[]): string {
  const all = new Set(cells.flatMap((cell) => Object.keys(cell.answers)));
  return [...all].join(", ");
}

/** One row per operation, each column giving its value at every size, smallest first. */
export function costTable(operations: readonly OperationVerdict[], sizes: readonly number[]): string[] {
  const header = sizes.map(int).join(" / ");
  return [
    `| operation | answer | gateway requests (${header}) | commands | Redis calls | median ms | p95 ms | same count | latency within noise |`,
    "|---|---|---|---|---|---|---|---|---|",
    ...operations.map(
      (op) =>
        `| ${op.label} | ${answers(op.cells)} | ${perSize(op.cells, (c) => count(c.requests))} | ${perSize(op.cells, (c) => count(c.commands))} | ` +
        `${perSize(op.cells, (c) => count(c.redisCalls))} | ${perSize(op.cells, (c) => ms(c.ms.median))} | ` +
        `${op.cells.some((c) => c.p95Ms !== undefined) ? perSize(op.cells, (c) => (c.p95Ms === undefined ? "-" : ms(c.p95Ms))) : "-"} | ` +
        `${yes(op.sameRequests && op.sameCommands)} | ${yes(op.latencyWithinNoise)} |`,
    ),
  ];
}

/** What ticks with a queue sent and what consuming it cost, and how long seeding's due work took to drain. */
export function tickTable(operations: readonly OperationVerdict[], sizes: readonly SizeResult[]): string[] {
  const queued = operations.filter((op) => op.cells.some((c) => c.messages));
  const rows = queued.map(
    (op) =>
      `| ${op.label} | ${perSize(op.cells, (c) => (c.messages ? count(c.messages) : "-"))} | ${perSize(op.cells, (c) => (c.consumerRequests ? count(c.consumerRequests) : "-"))} |`,
  );
  const drains = sizes.map((size) => {
    const ticks = size.drains.map((d) => d.ticks);
    const undrained = size.drains.filter((d) => !d.drained).length;
    return size.drains.length === 0
      ? `| ${int(size.tenants)} | - |`
      : `| ${int(size.tenants)} | ${size.drains.length} drains of ${Math.min(...ticks)}-${Math.max(...ticks)} ticks, at most ${Math.max(...size.drains.map((d) => d.seconds)).toFixed(1)} s${undrained ? `; ${undrained} NOT drained` : ""} |`;
  });
  return [
    ...(rows.length > 0
      ? [
          `| tick | messages sent (${sizes.map((s) => int(s.tenants)).join(" / ")}) | consumer gateway requests |`,
          "|---|---|---|",
          ...rows,
          "",
        ]
      : []),
    "| tenants | draining the due work before the ticks |",
    "|---|---|",
    ...drains,
  ];
}

export function seedingTable(sizes: readonly SizeResult[]): string[] {
  return [
    "| tenants | seconds | admin and API requests/s | ms per tenant |",
    "|---|---|---|---|",
    ...sizes.map(
      (size) =>
        `| ${int(size.tenants)} | ${size.seeding.seconds.toFixed(1)} | ${int(size.seeding.requests / size.seeding.seconds)} | ${ms((size.seeding.seconds * 1000) / size.seeding.tenants)} |`,
    ),
  ];
}
