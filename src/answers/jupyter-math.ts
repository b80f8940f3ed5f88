/**
 * How Jupyter finds math in a Markdown cell, so a test can check that JupyterLab and the classic notebook
 * see the same formulas as the report's renderer (src/notebook/display/math.ts).
 *
 * Both clients lift math out of the Markdown before parsing it (then MathJax typesets it), by these rules:
 * `$` in code spans and fenced code is not math; outside math, `$` or `$$` opens math (an escaped `\$`
 * does not); inside, the same delimiter closes it once the unescaped braces `{…}` balance; a blank line
 * ends the attempt (the math then closes at the last balanced delimiter seen, or is not math at all).
 * So `_`, `*`, `\\` and `|` inside math never reach the Markdown parser, but a blank line inside
 * `$$…$$` or a stray `$` in prose would break a formula.
 */

export interface JupyterMath {
  tex: string;
  display: boolean;
}

/** Masks `$` inside inline code spans and fenced code blocks (it is not math there). */
function maskCode(src: string): string {
  const mask = (s: string): string => s.replace(/\$/g, String.fromCharCode(0));
  return src
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[`~]*$/gm, mask)
    .replace(/(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)/gm, mask);
}

const TOKEN = /(\$\$?|\\[{}$]|[{}]|(?:\n\s*)+)/;

export function jupyterMath(markdown: string): JupyterMath[] {
  const parts = maskCode(markdown.replace(/\r\n?/g, '\n')).split(TOKEN);
  const found: JupyterMath[] = [];
  let open = -1; // index in parts of the opening delimiter
  let closer = '';
  let braces = 0;
  let lastBalanced = -1; // a closing delimiter seen while braces were unbalanced
  const emit = (from: number, to: number): void => {
    found.push({ tex: parts.slice(from + 1, to).join(''), display: parts[from] === '$$' });
  };
  for (let i = 1; i < parts.length; i += 2) {
    const t = parts[i];
    if (open < 0) {
      if (t === '$' || t === '$$') [open, closer, braces, lastBalanced] = [i, t, 0, -1];
      continue;
    }
    if (t === closer) {
      if (braces === 0) {
        emit(open, i);
        open = -1;
      } else lastBalanced = i;
    } else if (/\n.*\n/.test(t)) {
      if (lastBalanced >= 0) {
        emit(open, lastBalanced);
        i = lastBalanced;
      }
      open = -1;
    } else if (t === '{') braces++;
    else if (t === '}' && braces > 0) braces--;
  }
  if (open >= 0 && lastBalanced >= 0) emit(open, lastBalanced);
  return found;
}
