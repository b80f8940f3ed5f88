import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Where and how the notebooks were run: the page header. */
export interface Provenance {
  /** ISO time the report was built. */
  date: string;
  commit: string;
  backend: string;
  versions: Record<string, string>;
}

/** The project root (src/report -> ../..). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** `<sha> (<subject date>)`, with "+ uncommitted changes" when the tree is dirty; "unknown" outside git. */
export function gitCommit(cwd = PROJECT_ROOT): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Installed version of a package, or undefined when it is not installed. */
export function packageVersion(name: string, root = PROJECT_ROOT): string | undefined {
  try {
    const file = path.join(root, 'node_modules', ...name.split('/'), 'package.json');
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The versions that explain a run's numbers and its rendering. */
export function packageVersions(root = PROJECT_ROOT): Record<string, string> {
  const out: Record<string, string> = { node: process.versions.node };
  for (const name of [
    'tslab', 'typescript', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'katex', 'plotly.js-dist', 'sharp', 'highlight.js', 'sanitize-html',
  ]) {
    const v = packageVersion(name, root);
    if (v) out[name] = v;
  }
  const own = packageVersion('.', root) ?? readOwnVersion(root);
  if (own) out['taco-companion'] = own;
  return out;
}

function readOwnVersion(root: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}
