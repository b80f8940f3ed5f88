/** One Part 2 question with its answer, both Markdown with `$…$` / `$$…$$` LaTeX. */
export interface Answer {
  /** Stable id, e.g. `cnn.q3`. */
  id: string;
  /** The number as it appears in the assignment (sub-parts are answered inside, numbered 4.1, 4.2, ...). */
  number: string;
  question: string;
  answer: string;
  /** Ids of the demos (src/demos) that back the answer's numbers. */
  demos?: string[];
}

export interface Topic {
  /** The assignment's heading, e.g. "CNNs". */
  title: string;
  questions: Record<string, Answer>;
}

/**
 * Template tag for Markdown with LaTeX: backslashes stay as written (String.raw), and `\`` gives a
 * Markdown backtick, so code spans can sit next to math.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw(strings, ...values).replace(/\\`/g, '`').trim();
}

/** A graded demo cell of the Part 2 notebook: [source, nbgrader grade id, points]. */
export type DemoCell = [string, string, number];
