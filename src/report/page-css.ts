/** The report's own stylesheet (inlined; the page loads nothing). */
export const PAGE_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-code: #f6f8fa; --red: #b42318; --red-bg: #fef3f2; --green: #1a7f37; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); }
.layout { display: grid; grid-template-columns: 260px minmax(0, 1fr); }
nav.toc { position: sticky; top: 0; height: 100vh; overflow: auto; padding: 16px; border-right: 1px solid var(--line); font-size: 13px; background: #fbfcfd; }
nav.toc ol { list-style: none; padding-left: 0; margin: 0; }
nav.toc li { margin: 3px 0; }
nav.toc li.l2 { padding-left: 12px; } nav.toc li.l3 { padding-left: 24px; }
nav.toc a { color: var(--fg); text-decoration: none; } nav.toc a:hover { text-decoration: underline; }
main { padding: 24px 40px 80px; max-width: 1100px; }
header.report { border-bottom: 1px solid var(--line); margin-bottom: 24px; padding-bottom: 12px; }
header.report h1 { margin: 0 0 6px; font-size: 26px; }
table.meta { border-collapse: collapse; font-size: 13px; }
table.meta th { text-align: left; padding: 2px 12px 2px 0; color: var(--muted); font-weight: 500; vertical-align: top; }
table.meta td { padding: 2px 0; }
table.grid, .out-html table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
table.grid th, table.grid td, .out-html th, .out-html td { border: 1px solid var(--line); padding: 3px 8px; }
table.grid th, .out-html th { background: var(--bg-code); }
.pass { color: var(--green); font-weight: 600; } .fail { color: var(--red); font-weight: 600; } .notrun { color: var(--muted); font-weight: 600; }
section.cell { margin: 14px 0; }
section.code { border-left: 3px solid var(--line); padding-left: 12px; }
section.code.status-error { border-left-color: var(--red); }
section.check { border-left-color: #8250df; }
.cell-head { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); display: flex; gap: 12px; align-items: baseline; }
details.src > summary { cursor: pointer; font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: var(--muted); }
pre { margin: 4px 0; padding: 8px 10px; overflow-x: auto; font: 13px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; word-break: break-word; }
pre.code { background: var(--bg-code); border-radius: 4px; white-space: pre; }
pre.code code.hljs { padding: 0; background: transparent; }
pre.out-text { background: #fff; border: 1px solid #eef1f4; }
pre.out-stderr, pre.out-error { color: var(--red); background: var(--red-bg); border: 1px solid #fecdca; }
.outputs img { max-width: 100%; height: auto; }
.taco-plot { width: 100%; }
.katex-display, .katex math[display="block"] { margin: 0.6em 0; overflow-x: auto; }
.toolbar button { font-size: 12px; margin-right: 6px; }
a.back { font-size: 13px; }
@media print { nav.toc { display: none; } .layout { display: block; } }
`;
