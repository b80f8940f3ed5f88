import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { plotlyScriptSource } from '../notebook/display/plotly';
import { Notebook, readNotebook } from '../notebook/runner/nbformat';
import type { RunEvent, RunResult } from '../notebook/runner/run-notebook';
import { highlightCss } from './highlight';
import { gitCommit, packageVersions, PROJECT_ROOT } from './provenance';
import { renderIndex, IndexEntry } from './render-index';
import { PageResult, Provenance, renderPage } from './render-page';

export interface ReportOptions {
  /** Notebooks to include, in order. */
  notebooks: string[];
  /** Output folder; only files inside it are written. */
  out: string;
  /** Run each notebook first (default); false renders the outputs saved in the files. */
  execute?: boolean;
  /** Forces the TensorFlow.js backend of the kernels (TACO_BACKEND); default: automatic. */
  backend?: string;
  /** Per-cell timeout in seconds. */
  timeoutS?: number;
  onEvent?: (e: ReportEvent) => void;
}

export type ReportEvent =
  | { type: 'execute'; notebook: string; index: number; count: number }
  | { type: 'run'; notebook: string; event: RunEvent }
  | { type: 'executed'; notebook: string; result: RunResult }
  | { type: 'render'; notebook: string }
  | { type: 'written'; file: string; bytes: number };

export interface ReportPage {
  notebook: string;
  file: string;
  bytes: number;
  page: PageResult;
  run?: RunResult;
}

export interface ReportResult {
  out: string;
  index: string;
  pages: ReportPage[];
  seconds: number;
}

/** Execution failed: nothing in the output folder was touched. */
export class ReportExecutionError extends Error {
  constructor(readonly notebook: string, readonly run: RunResult) {
    const f = run.failure!;
    super(
      `${notebook}: execution failed at code cell ${f.codeCell} (cell index ${f.cell}, ${f.status}); the previous report was left in place\n` +
        `--- cell source ---\n${f.source}\n--- error ---\n${f.message.trim()}`,
    );
    this.name = 'ReportExecutionError';
  }
}

/** The notebooks `taco report` builds when none are named: those of the two parts that exist. */
export function defaultNotebooks(root = PROJECT_ROOT): string[] {
  return ['Part1_MiniProject.ipynb', 'Part2_SummaryQuestions.ipynb']
    .map((f) => path.join(root, 'notebooks', f))
    .filter((f) => fs.existsSync(f));
}

/** report/<name>.html for notebooks/<name>.ipynb; names must be unique within one report. */
export function pageFileName(notebook: string): string {
  return `${path.basename(notebook).replace(/\.ipynb$/i, '')}.html`;
}

/** tmp name inside the output folder, then rename: a reader never sees half a page. */
function writeAtomic(file: string, data: string): number {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
  return Buffer.byteLength(data);
}

/**
 * plotly.js-dist ships unminified (9.7 MB); esbuild (tsx's compiler, always installed with it)
 * halves it, keeping the license comments. Without esbuild the page just gets the full source.
 */
export function minifyScript(src: string): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const esbuild = require('esbuild') as { transformSync(code: string, o: Record<string, unknown>): { code: string } };
    // plotly's MIT banner is a plain /** */ comment, which esbuild drops: keep it by hand.
    const banner = src.match(/^\s*\/\*[\s\S]*?\*\//)?.[0].trim() ?? '';
    return `${banner}\n${esbuild.transformSync(src, { minify: true, legalComments: 'inline' }).code}`;
  } catch {
    return src;
  }
}

/**
 * The backend the notebooks' kernels used, as they printed it (describeBackend's "backend: name (why)"
 * line); undefined when no notebook printed one.
 */
export function backendFromOutputs(nbs: Notebook[]): string | undefined {
  const found = new Set<string>();
  for (const nb of nbs)
    for (const c of nb.cells) {
      if (c.cell_type !== 'code') continue;
      for (const o of c.outputs) {
        if (o.output_type !== 'stream' || o.name !== 'stdout') continue;
        const m = (Array.isArray(o.text) ? o.text.join('') : o.text).match(/^backend: (\S+) \(([^)\n]*)\)/m);
        if (m) found.add(`${m[1]} (${m[2]})`);
      }
      // A cell ending in `await initBackend(...)` shows the BackendChoice object itself.
      for (const o of c.outputs) {
        if (o.output_type !== 'execute_result') continue;
        const t = o.data['text/plain'];
        const m = (Array.isArray(t) ? t.join('') : String(t ?? '')).match(/^\{ name: '(\w+)', reason: '([^'\n]*)'/);
        if (m) found.add(`${m[1]} (${m[2]})`);
      }
    }
  return found.size ? [...found].join('; ') : undefined;
}

async function backendLabel(forced: string | undefined): Promise<string> {
  try {
    const { initBackend } = await import('../project/backend/init');
    const c = await initBackend({ backend: forced, quiet: true });
    return `${c.name} (${c.reason}; as the report's own process picks it)`;
  } catch (e) {
    return `${forced ?? 'auto'} (could not be determined here: ${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * Builds the report: runs every notebook (into a temporary folder) and stops at the first failure
 * before anything is written; then renders all pages in memory, and only then writes them and
 * index.html into `out`, each through a tmp file and a rename.
 */
export async function buildReport(opts: ReportOptions): Promise<ReportResult> {
  const t0 = Date.now();
  const emit = opts.onEvent ?? (() => undefined);
  if (!opts.notebooks.length) throw new Error('taco report: no notebooks to build (pass --notebooks a.ipynb,b.ipynb)');
  const names = new Map<string, string>();
  for (const nbPath of opts.notebooks) {
    if (!fs.existsSync(nbPath)) throw new Error(`${nbPath}: no such notebook`);
    const page = pageFileName(nbPath);
    if (page === 'index.html') throw new Error(`${nbPath}: a notebook named "index" would overwrite the report's index.html; rename it`);
    const prev = names.get(page);
    if (prev) throw new Error(`${nbPath} and ${prev} would both become ${page}; give them different names`);
    names.set(page, nbPath);
  }
  const execute = opts.execute !== false;
  if (opts.backend) process.env.TACO_BACKEND = opts.backend;

  const executed: { notebook: string; nb: Notebook; run?: RunResult }[] = [];
  if (execute) {
    const { runNotebook } = await import('../notebook/runner/run-notebook');
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-report-'));
    try {
      for (const [k, notebook] of opts.notebooks.entries()) {
        emit({ type: 'execute', notebook, index: k, count: opts.notebooks.length });
        const run = await runNotebook(notebook, {
          out: path.join(tmp, path.basename(notebook)),
          timeoutS: opts.timeoutS,
          onEvent: (event) => emit({ type: 'run', notebook, event }),
        });
        emit({ type: 'executed', notebook, result: run });
        if (!run.ok) throw new ReportExecutionError(notebook, run);
        executed.push({ notebook, nb: readNotebook(run.out), run });
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    for (const notebook of opts.notebooks) executed.push({ notebook, nb: readNotebook(notebook) });
  }

  const provenance: Provenance = {
    date: new Date().toISOString(),
    commit: gitCommit(),
    backend: backendFromOutputs(executed.map((e) => e.nb)) ?? (await backendLabel(opts.backend ?? process.env.TACO_BACKEND)),
    versions: packageVersions(),
  };
  const css = highlightCss();
  let plotly: string | undefined;
  const plotlySource = (): string => (plotly ??= minifyScript(plotlyScriptSource()));
  const rendered = executed.map(({ notebook, nb, run }) => {
    emit({ type: 'render', notebook });
    const file = pageFileName(notebook);
    const own = backendFromOutputs([nb]);
    const page = renderPage({ name: path.basename(notebook), nb, provenance: own ? { ...provenance, backend: own } : provenance, plotlySource, highlightCss: css, nonce: randomBytes(16).toString('base64'), indexHref: 'index.html' });
    return { notebook, file, page, run };
  });
  const entries: IndexEntry[] = rendered.map((r) => ({ href: r.file, name: path.basename(r.notebook), page: r.page }));
  const indexHtml = renderIndex(entries, provenance);

  fs.mkdirSync(opts.out, { recursive: true });
  const pages: ReportPage[] = rendered.map((r) => {
    const file = path.join(opts.out, r.file);
    const bytes = writeAtomic(file, r.page.html);
    emit({ type: 'written', file, bytes });
    return { notebook: r.notebook, file, bytes, page: r.page, run: r.run };
  });
  const index = path.join(opts.out, 'index.html');
  emit({ type: 'written', file: index, bytes: writeAtomic(index, indexHtml) });
  return { out: opts.out, index, pages, seconds: (Date.now() - t0) / 1000 };
}
