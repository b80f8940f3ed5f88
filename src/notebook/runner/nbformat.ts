import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** nbformat 4 (the .ipynb JSON), the parts a runner reads and writes. */
export type MultilineString = string | string[];
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
export interface DisplayDataOutput { output_type: 'display_data'; data: MimeBundle; metadata: Record<string, unknown> }
export interface ExecuteResultOutput { output_type: 'execute_result'; execution_count: number | null; data: MimeBundle; metadata: Record<string, unknown> }
export interface ErrorOutput { output_type: 'error'; ename: string; evalue: string; traceback: string[] }
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CodeCell {
  id?: string;
  cell_type: 'code';
  metadata: Record<string, unknown>;
  source: MultilineString;
  outputs: Output[];
  execution_count: number | null;
}
export interface TextCell {
  id?: string;
  cell_type: 'markdown' | 'raw';
  metadata: Record<string, unknown>;
  source: MultilineString;
  attachments?: Record<string, MimeBundle>;
}
export type Cell = CodeCell | TextCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export function joinSource(s: MultilineString): string {
  return Array.isArray(s) ? s.join('') : s;
}

/** nbformat's multiline form: lines that keep their '\n' (how Jupyter saves text, and what diffs well). */
export function splitLines(text: string): string[] {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g);
  return lines ?? [];
}

const OBJ = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MULTI = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

/**
 * Checks the nbformat 4 schema's required structure (no Python jsonschema here).
 * Returns problems as "where: what"; empty means valid.
 */
export function validateNotebook(nb: unknown): string[] {
  const bad: string[] = [];
  if (!OBJ(nb)) return ['notebook: not a JSON object'];
  if (nb.nbformat !== 4) bad.push(`nbformat: ${String(nb.nbformat)}, want 4`);
  if (typeof nb.nbformat_minor !== 'number' || !Number.isInteger(nb.nbformat_minor) || nb.nbformat_minor < 0) bad.push('nbformat_minor: want a non-negative integer');
  if (!OBJ(nb.metadata)) bad.push('metadata: want an object');
  if (!Array.isArray(nb.cells)) return [...bad, 'cells: want an array'];
  for (const k of Object.keys(nb)) if (!['nbformat', 'nbformat_minor', 'metadata', 'cells'].includes(k)) bad.push(`notebook: unexpected key "${k}"`);
  const needIds = typeof nb.nbformat_minor === 'number' && nb.nbformat_minor >= 5;
  const ids = new Set<string>();
  nb.cells.forEach((c: unknown, i: number) => {
    const at = `cells[${i}]`;
    if (!OBJ(c)) { bad.push(`${at}: not an object`); return; }
    if (!['code', 'markdown', 'raw'].includes(c.cell_type as string)) bad.push(`${at}.cell_type: ${String(c.cell_type)}`);
    if (!OBJ(c.metadata)) bad.push(`${at}.metadata: want an object`);
    if (!MULTI(c.source)) bad.push(`${at}.source: want a string or an array of strings`);
    if (needIds || c.id !== undefined) {
      if (typeof c.id !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(c.id)) bad.push(`${at}.id: want 1-64 characters of [a-zA-Z0-9-_]`);
      else if (ids.has(c.id)) bad.push(`${at}.id: duplicate "${c.id}"`);
      else ids.add(c.id);
    }
    const allowed = c.cell_type === 'code' ? ['id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count'] : ['id', 'cell_type', 'metadata', 'source', 'attachments'];
    for (const k of Object.keys(c)) if (!allowed.includes(k)) bad.push(`${at}: unexpected key "${k}"`);
    if (c.cell_type !== 'code') return;
    if (!(c.execution_count === null || (Number.isInteger(c.execution_count) && (c.execution_count as number) >= 0))) bad.push(`${at}.execution_count: want null or an integer`);
    if (!Array.isArray(c.outputs)) { bad.push(`${at}.outputs: want an array`); return; }
    c.outputs.forEach((o: unknown, j: number) => bad.push(...validateOutput(o, `${at}.outputs[${j}]`)));
  });
  return bad;
}

function validateOutput(o: unknown, at: string): string[] {
  if (!OBJ(o)) return [`${at}: not an object`];
  const bad: string[] = [];
  const keys = (allowed: string[]): void => { for (const k of Object.keys(o)) if (!allowed.includes(k)) bad.push(`${at}: unexpected key "${k}"`); };
  const bundle = (b: unknown): void => {
    if (!OBJ(b)) { bad.push(`${at}.data: want an object`); return; }
    for (const [mime, v] of Object.entries(b)) {
      if (!/^[a-z]+\/[^\s]+$/.test(mime)) bad.push(`${at}.data: bad MIME type "${mime}"`);
      else if (!/json$/.test(mime) && !MULTI(v)) bad.push(`${at}.data["${mime}"]: want a string or an array of strings`);
    }
  };
  switch (o.output_type) {
    case 'stream':
      keys(['output_type', 'name', 'text']);
      if (o.name !== 'stdout' && o.name !== 'stderr') bad.push(`${at}.name: ${String(o.name)}`);
      if (!MULTI(o.text)) bad.push(`${at}.text: want a string or an array of strings`);
      break;
    case 'display_data':
      keys(['output_type', 'data', 'metadata']);
      bundle(o.data);
      if (!OBJ(o.metadata)) bad.push(`${at}.metadata: want an object`);
      break;
    case 'execute_result':
      keys(['output_type', 'data', 'metadata', 'execution_count']);
      bundle(o.data);
      if (!OBJ(o.metadata)) bad.push(`${at}.metadata: want an object`);
      if (!(o.execution_count === null || Number.isInteger(o.execution_count))) bad.push(`${at}.execution_count: want null or an integer`);
      break;
    case 'error':
      keys(['output_type', 'ename', 'evalue', 'traceback']);
      if (typeof o.ename !== 'string' || typeof o.evalue !== 'string') bad.push(`${at}: ename and evalue must be strings`);
      if (!Array.isArray(o.traceback) || !o.traceback.every((x) => typeof x === 'string')) bad.push(`${at}.traceback: want an array of strings`);
      break;
    default:
      bad.push(`${at}.output_type: ${String(o.output_type)}`);
  }
  return bad;
}

/** Reads and checks an .ipynb; errors name the file and the problem. */
export function readNotebook(file: string): Notebook {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the notebook (${(e as Error).message})`);
  }
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const bad = validateNotebook(nb);
  if (bad.length) throw new Error(`${file}: not a valid nbformat 4 notebook: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? ` (+${bad.length - 5} more)` : ''}`);
  return nb as Notebook;
}

/** Jupyter's own layout (1-space indent, trailing newline), so executed notebooks diff cleanly against saved ones. */
/** nbformat's `source` list: the text's lines, each but the last ending in a newline (trimmed first). */
export function sourceLines(text: string): string[] {
  const parts = text.trim().split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l));
}

/** A tslab (TypeScript kernel) notebook holding `cells`, as the project's notebook generators write it. */
export function tslabNotebook(cells: unknown[]): Notebook {
  return {
    cells: cells as Cell[],
    metadata: {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

export function serializeNotebook(nb: Notebook): string {
  return JSON.stringify(nb, null, 1) + '\n';
}

/** tmp-then-rename, so a reader never sees a half-written notebook. */
export function writeNotebookAtomic(file: string, nb: Notebook): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, serializeNotebook(nb));
  fs.renameSync(tmp, file);
}

/** A fresh notebook (for generated ones: tests, the import proof). */
export function newNotebook(cells: { type: 'code' | 'markdown'; source: string }[], kernelName = 'tslab'): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: kernelName, display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    cells: cells.map((c, i) =>
      c.type === 'code'
        ? { id: `cell-${i}`, cell_type: 'code', metadata: {}, source: splitLines(c.source), outputs: [], execution_count: null }
        : { id: `cell-${i}`, cell_type: 'markdown', metadata: {}, source: splitLines(c.source) },
    ),
  };
}
