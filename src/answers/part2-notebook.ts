import * as path from 'node:path';
import { Notebook, serializeNotebook, sourceLines, tslabNotebook, writeNotebookAtomic } from '../notebook/runner/nbformat';
import { DEMO_CELLS } from './demo-cells';
import { answerCell, questionCell } from './notebook-markdown';
import { Answer } from './types';
import { TopicKey, answers, topics } from './index';

/**
 * Builds notebooks/Part2_SummaryQuestions.ipynb from the answers, so the notebook never drifts from
 * src/answers. Each question: a Markdown cell with its text, a Markdown cell with the answer (LaTeX that
 * JupyterLab, the classic notebook and the report typeset without running anything), then the graded
 * demo cells (run, show, assert) with nbgrader-style metadata. Code cells hold only demos and checks.
 *
 * Write it with: npx tsx -e "require('./src/answers/part2-notebook').writePart2Notebook()"
 */

interface Cell {
  id?: string;
  cell_type: 'markdown' | 'code';
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

const lines = sourceLines;

const markdown = (s: string): Cell => ({ cell_type: 'markdown', metadata: {}, source: lines(s) });

function code(s: string, grade?: { id: string; points: number }): Cell {
  const metadata = grade
    ? { nbgrader: { grade: true, grade_id: grade.id, points: grade.points, locked: true, solution: false, schema_version: 3 } }
    : {};
  return { cell_type: 'code', execution_count: null, metadata, outputs: [], source: lines(s) };
}

/**
 * What the demo cells import, by module (paths relative to notebooks/). The setup cell is written from it,
 * and tests use it to run a check's own source against a deliberately broken demo.
 */
export const NOTEBOOK_IMPORTS: [string, string[]][] = [
  ['../src/notebook/display', ['show', 'tableBundle', 'plotlyBundle']],
  ['../src/project/backend/init', ['initBackend']],
  ['../src/demos/near', ['near']],
  ['../src/demos/receptive-field', ['HOMEWORK_CNN', 'RfLayer', 'inputSupport', 'receptiveFieldClosedForm', 'receptiveFieldTable', 'receptiveFieldTopDown', 'tapPositions', 'withoutActivations']],
  ['../src/demos/receptive-field-empirical', ['empiricalReceptiveField']],
  ['../src/demos/dropout-mc', ['dropoutExpectation', 'relDiff', 'twoDropoutsVsOne']],
  ['../src/demos/dropout-order', ['dropoutOrder']],
  ['../src/demos/l2-vs-ce', ['binaryLosses', 'vectorLosses']],
  ['../src/demos/gradient-depth', ['gradientDepthFigure', 'gradientNormsByDepth', 'mlpirateParameters']],
  ['../src/demos/newton-vs-momentum', ['ravineRace']],
  ['../src/demos/implicit-diff', ['implicitDiff']],
  ['../src/demos/jacobian-product', ['linearChain', 'orthogonalChain', 'sigmoidChain']],
  ['../src/demos/numeric-gradient', ['allclose', 'compareGradients', 'corruptW', 'forwardDifferenceFloat32', 'gradientCheck']],
  ['../src/demos/difference-error', ['EPSILON', 'float64GradientError', 'forwardDifferenceSweep', 'reluKinkQuotients']],
  ['../src/demos/embedding', ['embeddingEquivalence', 'runEmbedding']],
  ['../src/demos/tbptt', ['tbpttGradients']],
  ['../src/demos/elbo', ['elboTable']],
  ['../src/demos/gan-saturation', ['discriminatorLoss', 'ganGeneratorGradients']],
];

const SETUP = [
  'import assert from "node:assert/strict";',
  'import * as tf from "@tensorflow/tfjs-core";',
  'import type { PlotlyFigure } from "../src/notebook/display";',
  ...NOTEBOOK_IMPORTS.map(([from, names]) => `import { ${names.join(', ')} } from "${from}";`),
  '// The demos are small: the plain JS backend is fast enough and gives the same numbers everywhere.',
  'await initBackend({ backend: "cpu" });',
].join('\n');

const INTRO = `# Part 2: Summary Questions

Each question is followed by its answer, a Markdown cell whose LaTeX JupyterLab, the classic notebook and the HTML report typeset as they open it: nothing needs to run to read the answers. They are generated from \`src/answers\`. Where an answer rests on a number, demo cells follow: each computes the number with the library in \`src/demos\` (by automatic differentiation, measurement or Monte Carlo) and asserts every number the answer quotes. The demo cells carry grading metadata (\`nbgrader.grade_id\`, \`points\`), so \`npx taco grade\` can run and score each check independently.

Run it headless with \`node bin/taco.js nb run notebooks/Part2_SummaryQuestions.ipynb\`.`;

export function buildPart2Notebook(): Notebook {
  const cells: Cell[] = [markdown(INTRO), code(SETUP)];
  for (const key of Object.keys(topics) as TopicKey[]) {
    cells.push(markdown(`### ${topics[key]}`));
    for (const a of Object.values(answers[key]) as Answer[]) {
      cells.push(markdown(questionCell(a)));
      cells.push(markdown(answerCell(a)));
      for (const [src, id, points] of DEMO_CELLS[a.id] ?? []) cells.push(code(src, { id, points }));
    }
  }
  // nbformat 4.5 wants a stable id per cell: the grade id for graded cells, the position otherwise.
  cells.forEach((c, i) => {
    const g = (c.metadata.nbgrader as { grade_id?: string } | undefined)?.grade_id;
    c.id = g ?? `p2-${String(i).padStart(3, '0')}`;
  });
  return tslabNotebook(cells.map(({ id, ...rest }) => ({ id, ...rest })));
}

export function part2NotebookJson(): string {
  return serializeNotebook(buildPart2Notebook());
}

/** Writes the notebook (name.tmp, then rename). */
export function writePart2Notebook(file = path.resolve(__dirname, '..', '..', 'notebooks', 'Part2_SummaryQuestions.ipynb')): string {
  writeNotebookAtomic(file, buildPart2Notebook());
  return file;
}
