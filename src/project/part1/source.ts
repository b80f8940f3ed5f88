import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './config';

/**
 * The source of a top-level function (with its doc comment) read from a file under src/, so what the
 * notebook shows is what runs. Top-level declarations end at the first line that is exactly "}" or "});".
 */
export function functionSource(file: string, name: string, root = PROJECT_ROOT): string {
  const abs = path.resolve(root, file);
  const lines = fs.readFileSync(abs, 'utf8').split('\n');
  const decl = new RegExp(`^(export )?(async )?(function ${name}\\b|const ${name}\\b)`);
  const start = lines.findIndex((l) => decl.test(l));
  if (start < 0) throw new Error(`${file}: no top-level function or const named ${name}`);
  let first = start;
  if (first > 0 && /^\s*\/\*\*.*\*\/\s*$/.test(lines[first - 1])) first--; // one-line doc comment
  else if (first > 0 && /^\s*\*\/\s*$/.test(lines[first - 1])) {
    while (first > 0 && !/^\s*\/\*\*/.test(lines[first - 1])) first--;
    first--;
  }
  let end = start;
  if (!/[;}]\s*$/.test(lines[start]) || /\{\s*$/.test(lines[start])) {
    end = lines.findIndex((l, i) => i > start && /^(\}|\}\)|\}\));?\s*$/.test(l));
    if (end < 0) throw new Error(`${file}: cannot find the end of ${name}`);
  }
  return lines.slice(first, end + 1).join('\n');
}

export interface SourcePiece {
  file: string;
  name: string;
}

/** The loss functions the notebook shows: box (CIoU), DFL, classification (BCE) and how they combine. */
export const LOSS_SOURCES: SourcePiece[] = [
  { file: 'src/project/loss/ciou.ts', name: 'ciou' },
  { file: 'src/project/loss/dfl.ts', name: 'dflTargetWeights' },
  { file: 'src/project/loss/dfl.ts', name: 'dflLoss' },
  { file: 'src/project/loss/bce.ts', name: 'bceWithLogits' },
  { file: 'src/project/loss/detection-loss.ts', name: 'detectionLoss' },
];

/** Markdown with one fenced TypeScript block per piece, each headed by its file. */
export function sourceMarkdown(pieces: SourcePiece[], root = PROJECT_ROOT): string {
  return pieces.map((p) => `\`${p.file}\` — \`${p.name}\`\n\n\`\`\`ts\n${functionSource(p.file, p.name, root)}\n\`\`\``).join('\n\n');
}
