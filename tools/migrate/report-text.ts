import type { Examples, MigrationReportJson } from "./migration-report.ts";
import { TTL_BUCKETS } from "./tenant-tally.ts";
import { formatBytes, formatCount, formatQuantity, textTable } from "./text-table.ts";

/** Keys are shown up to 200 bytes; aligning reasons after the longest would push them off screen. */
const EXAMPLE_COLUMN_WIDTH = 48;

export interface RenderOptions {
  /** Tenants listed (most keys first) before "… and N more tenants". @default 50 */
  tenantsShown?: number;
}

/** The report as plain text: a per-tenant table with a totals line, then what was not copied and why. */
export function renderReport(report: MigrationReportJson, options: RenderOptions = {}): string {
  const shown = options.tenantsShown ?? 50;
  const lines: string[] = [];
  const { totals, tenants } = report;
  const toCreate = report.tenantsToCreate.length > 0 ? ` (${formatCount(report.tenantsToCreate.length)} to create)` : "";
  lines.push(`Tenants: ${formatCount(tenants.length)}${toCreate}`);
  const row = (name: string, tally: MigrationReportJson["totals"]) => [
    name,
    formatCount(tally.keys),
    formatBytes(tally.bytes),
    ...TTL_BUCKETS.map((bucket) => formatCount(tally.ttl[bucket])),
    formatCount(tally.clamped),
    formatCount(Object.values(tally.decoded).reduce((sum, count) => sum + count, 0)),
  ];
  const header = ["tenant", "keys", "size", ...TTL_BUCKETS, "clamped", "decoded"];
  const table = textTable(
    [header, ...tenants.slice(0, shown).map((tenant) => row(tenant.tenant, tenant)), row("total", totals)],
    header.map((_, column) => (column === 0 ? "left" : "right")),
  );
  if (tenants.length > shown) table.splice(table.length - 1, 0, `… and ${formatQuantity(tenants.length - shown, "more tenant")}`);
  lines.push(...table, "");
  lines.push(
    ...textTable(
      [
        ["Source types", counts(totals.sourceTypes)],
        ["Content types", counts(totals.contentTypes)],
        ["Decoded", counts(totals.decoded)],
      ],
      ["left", "left"],
    ),
  );
  if (report.tenantsToCreate.length > 0) lines.push("", `Tenants to create: ${names(report.tenantsToCreate, shown)}`);
  section(lines, `Unmapped: ${formatQuantity(report.unmapped.count, "key")} (not copied)`, report.unmapped, (e) => [e.key, e.reason]);
  section(lines, `Oversized: ${formatQuantity(report.oversized.count, "value")} (not copied)`, report.oversized, (e) => [
    e.tenant,
    e.key,
    `${formatBytes(e.bytes)} (limit ${formatBytes(e.maxBytes)})`,
  ]);
  if (report.expired > 0) lines.push("", `Expired: ${formatQuantity(report.expired, "key")} (not copied)`);
  const hint = report.skipped.hint ? `; ${report.skipped.hint}` : "";
  section(
    lines,
    `Skipped: ${formatQuantity(report.skipped.count, "key")} (${counts(report.skipped.byType)})${hint}`,
    report.skipped,
    (e) => [e.key, e.reason],
  );
  section(lines, `Undecodable: ${formatQuantity(report.undecodable.count, "value")} (copied as they were)`, report.undecodable, (e) => [
    e.key,
    e.reason,
  ]);
  return lines.join("\n");
}

function section<T>(lines: string[], title: string, list: Examples<T>, cells: (example: T) => string[]): void {
  if (list.count === 0) return;
  lines.push("", title);
  const rows = list.examples.map(cells);
  lines.push(...textTable(rows, [], EXAMPLE_COLUMN_WIDTH).map((line) => `  ${line}`));
  if (list.count > list.examples.length) lines.push(`  … and ${formatCount(list.count - list.examples.length)} more`);
}

/** "string 3,900 · hash 100", largest first. */
function counts(byName: Partial<Record<string, number>>): string {
  const entries = Object.entries(byName).filter((entry): entry is [string, number] => (entry[1] ?? 0) > 0);
  if (entries.length === 0) return "none";
  return entries
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => `${name} ${formatCount(count)}`)
    .join(" · ");
}

function names(list: readonly string[], shown: number): string {
  const more = list.length > shown ? `, … and ${formatCount(list.length - shown)} more` : "";
  return `${list.slice(0, shown).join(", ")}${more}`;
}
