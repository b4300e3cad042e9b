/** The page's only stylesheet, inlined under the response's CSP nonce (no other resource loads). */
export const DASHBOARD_CSS = `
:root {
  --bg: #f4f5f7; --card: #ffffff; --text: #1d2330; --muted: #667085; --line: #e4e7ec; --soft: #f8f9fb;
  --accent: #3b5bdb; --accent-soft: #c5d0f5;
  --l1: #2f9e6e; --l2: #3b82c4; --stale: #d9a21b; --miss: #d8594c;
  --ok: #2f9e6e; --warn: #c98a0b; --bad: #d0463a;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --card: #1a1e24; --text: #e6e8eb; --muted: #98a2b3; --line: #2c323b; --soft: #20252c;
    --accent: #7c93f0; --accent-soft: #39466f;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 24px; padding: 14px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
header.top h1 { font-size: 17px; margin: 0; font-weight: 600; }
header.top h1 .tenant { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-weight: 600; color: var(--accent); }
header.top .spacer { flex: 1; }
header.top .who { color: var(--muted); }
nav.windows { display: inline-flex; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
nav.windows a { padding: 4px 12px; text-decoration: none; color: var(--text); border-right: 1px solid var(--line); }
nav.windows a:last-child { border-right: 0; }
nav.windows a[aria-current="page"] { background: var(--accent); color: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 24px 32px; }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.wide { grid-column: 1 / -1; }
@media (max-width: 900px) { .grid { grid-template-columns: minmax(0, 1fr); } }
section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; min-width: 0; }
section.panel h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 12px; font-weight: 600; }
section.panel h3 { font-size: 13px; margin: 16px 0 8px; color: var(--muted); font-weight: 600; }
.note { background: var(--soft); border: 1px solid var(--line); border-left: 3px solid var(--warn); border-radius: 6px; padding: 8px 12px; margin: 0 0 16px; }
.empty { color: var(--muted); margin: 8px 0; }
.big { font-size: 30px; font-weight: 650; line-height: 1.1; }
.big small { font-size: 13px; font-weight: 400; color: var(--muted); margin-left: 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:last-child td { border-bottom: 0; }
.key { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; max-width: 0; width: 100%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sub { color: var(--muted); font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.ok { background: var(--ok); } .badge.partial, .badge.degraded, .badge.resuming { background: var(--warn); } .badge.failed, .badge.down { background: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; }
svg text { fill: var(--muted); font-size: 11px; font-family: inherit; }
svg .gridline { stroke: var(--line); stroke-width: 1; }
svg .ratio { stroke: var(--accent); stroke-width: 2; fill: none; stroke-linejoin: round; }
svg .ratio-dot { fill: var(--accent); }
svg .hits { fill: var(--accent-soft); } svg .misses { fill: var(--miss); opacity: .75; }
svg .hover { fill: transparent; } svg .hover:hover { fill: var(--accent); opacity: .08; }
svg .l1 { fill: var(--l1); } svg .l2 { fill: var(--l2); } svg .stale { fill: var(--stale); } svg .miss { fill: var(--miss); } svg .track { fill: var(--line); }
.swatch.l1 { background: var(--l1); } .swatch.l2 { background: var(--l2); } .swatch.stale { background: var(--stale); } .swatch.miss { background: var(--miss); }
.signin { max-width: 420px; margin: 12vh auto; }
.signin h1 { font-size: 20px; margin: 0 0 6px; }
.signin p { color: var(--muted); margin: 0 0 16px; }
.panel .error { color: var(--bad); font-weight: 600; margin: 0 0 12px; }
label { display: block; font-weight: 600; margin-bottom: 6px; }
input[type="password"], select { width: 100%; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); color: var(--text); font: inherit; }
button { margin-top: 12px; padding: 7px 16px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
button.quiet { margin: 0; background: transparent; color: var(--text); border-color: var(--line); font-weight: 400; padding: 4px 12px; }
form.inline { display: inline; margin: 0; }
form.picker { display: flex; gap: 10px; align-items: end; }
form.picker div { flex: 1; }
form.picker button { margin: 0; }
form.compact-picker { display: inline-flex; gap: 8px; align-items: center; margin: 0; }
form.compact-picker select { width: auto; max-width: 260px; padding: 4px 8px; }
footer { color: var(--muted); font-size: 12px; margin-top: 18px; }
`;
