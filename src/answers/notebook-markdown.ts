import { KATEX_MACROS } from '../notebook/display/math';
import { answerMarkdown, questionMarkdown } from './render';
import { Answer } from './types';

/**
 * The Markdown cells of the Part 2 notebook. Each cell must typeset on its own, in any client (JupyterLab,
 * the classic notebook, VS Code, GitHub), with no macro defined in another cell: so the course macros
 * (`\mat{W}`, `\norm{x}`) are expanded here to plain LaTeX, `\mat{W}` → `\boldsymbol{W}`.
 */

/** The argument of a macro call: a braced group (`{…}`, braces balanced) or a single token. */
function argumentAt(s: string, i: number): { arg: string; end: number } {
  while (s[i] === ' ') i++;
  if (s[i] !== '{') {
    if (s[i] === '\\') {
      const m = /^\\[A-Za-z]+|^\\./.exec(s.slice(i));
      return { arg: m![0], end: i + m![0].length };
    }
    return { arg: s[i], end: i + 1 };
  }
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '{') depth++;
    else if (s[j] === '}' && --depth === 0) return { arg: s.slice(i + 1, j), end: j + 1 };
  }
  throw new Error(`unbalanced braces after position ${i}: ${s.slice(i, i + 40)}`);
}

/** Expands one-argument macros (`#1` in the body), innermost first, until none is left. */
export function expandMacros(markdown: string, macros: Record<string, string> = KATEX_MACROS): string {
  let s = markdown;
  for (const [name, body] of Object.entries(macros)) {
    const re = new RegExp(`${name.replace(/\\/g, '\\\\')}(?![A-Za-z])`, 'g');
    for (let m = re.exec(s); m; m = re.exec(s)) {
      const { arg, end } = argumentAt(s, m.index + name.length);
      s = s.slice(0, m.index) + body.replace(/#1/g, arg) + s.slice(end);
      re.lastIndex = m.index;
    }
  }
  return s;
}

/** The question cell's Markdown: "**3.** …". */
export function questionCell(a: Answer): string {
  return expandMacros(questionMarkdown(a));
}

/** The answer cell's Markdown: "**Answer:**", then the answer. */
export function answerCell(a: Answer): string {
  return expandMacros(answerMarkdown(a));
}
