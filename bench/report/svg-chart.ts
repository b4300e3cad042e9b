import type { CellSummary } from "../http/summary.ts";

export interface ChartRow {
  label: string;
  scenario: string;
}

interface Panel {
  title: string;
  latencyMs: number;
  rows: ChartRow[];
}

const COLORS = ["#9cc0e6", "#1f5f99", "#e6a23c", "#6b8e23"];
const ROW_HEIGHT = 34;
const LABEL_WIDTH = 190;
const PLOT_WIDTH = 330;
const PANEL_GAP = 40;
const TOP = 56;

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const fmt = (value: number) => Math.round(value).toLocaleString("en-US");

/** A round axis maximum at or above `max` whose quarters are round too. */
function niceMax(max: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  return ([1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8, 10].find((step) => step * power >= max) ?? 10) * power;
}

/**
 * Median req/s as horizontal bars, one bar per concurrency, with a whisker from the slowest to
 * the fastest repetition. Hand-written SVG: no plotting dependency, and the README can embed it.
 */
export function throughputChart(cells: readonly CellSummary[], panels: Panel[], connections: readonly number[]): string {
  const rowsMax = Math.max(...panels.map((p) => p.rows.length));
  const panelWidth = LABEL_WIDTH + PLOT_WIDTH;
  const width = panels.length * panelWidth + (panels.length - 1) * PANEL_GAP + 20;
  const height = TOP + rowsMax * ROW_HEIGHT + 50;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  panels.forEach((panel, index) => {
    const x0 = 10 + index * (panelWidth + PANEL_GAP);
    const plotX = x0 + LABEL_WIDTH;
    const inPanel = cells.filter((c) => c.latencyMs === panel.latencyMs && panel.rows.some((r) => r.scenario === c.scenario));
    const axisMax = niceMax(Math.max(1, ...inPanel.map((c) => c.requestsPerSecond.max)));
    const scale = (value: number) => (value / axisMax) * (PLOT_WIDTH - 60);
    parts.push(`<text x="${x0}" y="20" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
    for (let tick = 0; tick <= 4; tick++) {
      const x = plotX + scale((axisMax * tick) / 4);
      parts.push(`<line x1="${x}" y1="${TOP - 6}" x2="${x}" y2="${TOP + panel.rows.length * ROW_HEIGHT}" stroke="#e3e3e3"/>`);
      parts.push(`<text x="${x}" y="${TOP - 10}" text-anchor="middle" fill="#666">${fmt((axisMax * tick) / 4)}</text>`);
    }
    panel.rows.forEach((row, r) => {
      const y = TOP + r * ROW_HEIGHT;
      parts.push(`<text x="${plotX - 8}" y="${y + ROW_HEIGHT / 2 + 4}" text-anchor="end">${escapeXml(row.label)}</text>`);
      const barHeight = (ROW_HEIGHT - 8) / connections.length;
      connections.forEach((c, k) => {
        const cell = inPanel.find((cl) => cl.scenario === row.scenario && cl.connections === c);
        if (!cell) return;
        const by = y + 4 + k * barHeight;
        const w = scale(cell.requestsPerSecond.median);
        parts.push(
          `<rect x="${plotX}" y="${by}" width="${w.toFixed(1)}" height="${(barHeight - 2).toFixed(1)}" fill="${COLORS[k % COLORS.length]}"/>`,
        );
        const wy = by + (barHeight - 2) / 2;
        parts.push(
          `<line x1="${(plotX + scale(cell.requestsPerSecond.min)).toFixed(1)}" y1="${wy}" x2="${(plotX + scale(cell.requestsPerSecond.max)).toFixed(1)}" y2="${wy}" stroke="#333"/>`,
        );
        parts.push(
          `<text x="${(plotX + scale(cell.requestsPerSecond.max) + 4).toFixed(1)}" y="${wy + 4}" font-size="10" fill="#333">${fmt(cell.requestsPerSecond.median)}</text>`,
        );
      });
    });
    parts.push(
      `<text x="${plotX + (PLOT_WIDTH - 60) / 2}" y="${TOP + panel.rows.length * ROW_HEIGHT + 18}" text-anchor="middle" fill="#666">requests per second (median; whisker: slowest to fastest repetition)</text>`,
    );
  });
  const legendY = height - 14;
  connections.forEach((c, k) => {
    const x = 10 + k * 150;
    parts.push(`<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[k % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 18}" y="${legendY}">${c} connection${c === 1 ? "" : "s"}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
