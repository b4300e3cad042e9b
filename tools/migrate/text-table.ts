export type Align = "left" | "right";

/**
 * Rows as lines with each column padded to its widest cell, two spaces apart. A cell longer than
 * `maxWidth` overflows instead of widening its column, so one long key does not push every line.
 */
export function textTable(rows: readonly (readonly string[])[], align: readonly Align[], maxWidth = Number.POSITIVE_INFINITY): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [column, cell] of row.entries()) {
      if (cell.length <= maxWidth) widths[column] = Math.max(widths[column] ?? 0, cell.length);
    }
  }
  return rows.map((row) =>
    row
      .map((cell, column) => (align[column] === "right" ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

const integer = new Intl.NumberFormat("en-US");

/** 1234567 → "1,234,567". */
export function formatCount(count: number): string {
  return integer.format(count);
}

/** 1 → "1 key", 1200 → "1,200 keys". */
export function formatQuantity(count: number, noun: string): string {
  return `${formatCount(count)} ${noun}${count === 1 ? "" : "s"}`;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 → "1.5 KiB"; binary units, as edge-cache's limits are set in them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}
