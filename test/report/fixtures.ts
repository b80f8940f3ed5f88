import { plotlyBundle } from '../../src/notebook/display/plotly';
import { newNotebook, Notebook, CodeCell } from '../../src/notebook/runner/nbformat';

/**
 * A notebook "as saved" whose markdown and outputs try every way to run a script or reach the
 * network, next to the things the report must keep: math, a table, a Plotly figure (both modes),
 * an image, an error, graded checks that pass, fail and never ran.
 */
export function hostileNotebook(): Notebook {
  const nb = newNotebook([
    { type: 'markdown', source: '# Hostile notebook\n\nDisplay math $$\\frac{a}{b} = \\sum_{i=1}^{n} x_i^2$$ and inline $\\sqrt{x}$.\n\n<script>window.__pwned = "md-script"</script>\n<img src="x" onerror="window.__pwned = \'md-onerror\'">\n<img src="https://example.com/tracker.png">\n<a href="javascript:window.__pwned=1">js link</a> <a href="#Section-two">to section two</a>\n<iframe src="https://example.com"></iframe><style>body{background:url(https://example.com/bg.png)}</style>' },
    { type: 'code', source: '// shows html with scripts\nconsole.log("hi")' },
    { type: 'markdown', source: '## Section two\n\nThe loss $\\mathcal{L} = -\\log p$.' },
    { type: 'code', source: '// a passing check\nassert.ok(true)' },
    { type: 'code', source: '// a failing check\nassert.ok(false)' },
    { type: 'code', source: '// never ran\n1' },
    { type: 'markdown', source: '### Plots' },
    { type: 'code', source: 'show(plotlyBundle(fig))' },
  ]);
  const fig = { data: [{ x: [0, 1, 2, 3], y: [1, 0.5, 0.3, 0.2], type: 'scatter', name: 'loss <b>x</b>' }], layout: { title: { text: 'A figure' }, height: 300 } };
  const code = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP4z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
  code[0].execution_count = 1;
  code[0].outputs = [
    { output_type: 'stream', name: 'stdout', text: ['hi \x1b[31mred\x1b[0m\n'] },
    { output_type: 'display_data', metadata: {}, data: { 'text/plain': 'html', 'text/html': '<b>bold</b><script>window.__pwned = "out-script"</script><img src=x onerror="window.__pwned=\'out-onerror\'"><div style="background:url(https://example.com/x.png)">styled</div><svg onload="window.__pwned=\'svg\'"><circle r="5"/></svg>' } },
    { output_type: 'display_data', metadata: { 'image/png': { width: 64 } }, data: { 'text/plain': '<image>', 'image/png': png } },
    { output_type: 'display_data', metadata: {}, data: { 'text/plain': 'svg', 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><script>parent.__pwned="svg-img"</script><rect width="40" height="20" fill="teal"/></svg>' } },
    { output_type: 'stream', name: 'stderr', text: ['a warning on stderr\n'] },
  ];
  code[1].execution_count = 2;
  code[1].metadata = { nbgrader: { grade: true, solution: false, grade_id: 'check-pass', points: 2, locked: true, schema_version: 3 }, taco: { duration_s: 0.01, status: 'ok' } };
  code[2].execution_count = 3;
  code[2].metadata = { nbgrader: { grade: true, solution: false, grade_id: 'check-fail', points: 3, locked: true, schema_version: 3 }, taco: { duration_s: 0.02, status: 'error' } };
  code[2].outputs = [{ output_type: 'error', ename: 'AssertionError', evalue: 'The expression evaluated to a falsy value', traceback: ['\x1b[31mAssertionError\x1b[0m: The expression evaluated to a falsy value', '    at <anonymous>'] }];
  code[3].metadata = { nbgrader: { grade: true, solution: false, grade_id: 'check-skip', points: 1, locked: true, schema_version: 3 } };
  code[4].execution_count = 5;
  code[4].outputs = [
    { output_type: 'display_data', metadata: {}, data: plotlyBundle(fig, { mode: 'notebook' }) },
    { output_type: 'display_data', metadata: {}, data: plotlyBundle({ ...fig, layout: { title: { text: 'Page mode' } } }, { mode: 'page' }) },
    { output_type: 'display_data', metadata: {}, data: { 'text/plain': 'std', 'application/vnd.plotly.v1+json': { data: [{ type: 'bar', x: ['a', 'b'], y: [3, 1] }], layout: {} } } },
  ];
  return nb;
}
