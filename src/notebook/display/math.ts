import katex from 'katex';
import MarkdownIt from 'markdown-it';

/**
 * Markdown with `$…$` / `$$…$$` LaTeX, rendered on the server.
 *
 * KaTeX writes MathML (`output: 'mathml'`): every notebook client and the offline HTML report
 * render it with no CSS, fonts or internet (see ../shared/notes/notebook-clients.md).
 */

/**
 * A Jupyter display MIME bundle: HTML for rich clients, the Markdown source as the readable fallback.
 * A type alias, not an interface, so it is assignable to the display helpers' `MimeBundle` record.
 */
export type MathBundle = {
  'text/html': string;
  'text/markdown': string;
  'text/plain': string;
};

/** Macros the course notebooks use (`\mat`, `\vec` is built in, `\norm`). */
export const KATEX_MACROS: Record<string, string> = {
  '\\mat': '\\boldsymbol{#1}',
  '\\norm': '\\left\\lVert#1\\right\\rVert',
};

export interface Formula {
  tex: string;
  display: boolean;
}

/** Renders one formula to MathML. `strict` makes bad LaTeX throw instead of printing red text. */
export function renderTex(tex: string, display: boolean, strict = false): string {
  return katex.renderToString(tex, {
    displayMode: display,
    output: 'mathml',
    throwOnError: strict,
    // A fresh copy: KaTeX adds \def's to the object it is given.
    macros: { ...KATEX_MACROS },
    strict: strict ? 'error' : 'ignore',
  });
}

/**
 * Finds the math span starting at `pos` (which holds a `$`). Returns undefined when the `$` does
 * not open math: an escaped `\$`, or a `$` followed by a space or a digit-and-space price ("$5 ").
 */
export function scanMath(src: string, pos: number): { tex: string; display: boolean; end: number } | undefined {
  if (src[pos] !== '$' || (pos > 0 && src[pos - 1] === '\\')) return undefined;
  const display = src[pos + 1] === '$';
  const open = display ? 2 : 1;
  const start = pos + open;
  if (!display && (start >= src.length || /\s/.test(src[start]))) return undefined;
  for (let i = start; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] !== '$') continue;
    if (display) {
      if (src[i + 1] === '$') return { tex: src.slice(start, i), display, end: i + 2 };
      continue;
    }
    if (/\s/.test(src[i - 1])) continue;
    return { tex: src.slice(start, i), display, end: i + 1 };
  }
  return undefined;
}

/** The instance type (the CommonJS typings export only the constructor and a namespace). */
type Md = ReturnType<typeof MarkdownIt>;
type Tok = ReturnType<Md['parse']>[number];

function mathPlugin(md: Md): void {
  // Before 'escape', so backslashes, `_` and `*` inside math never reach Markdown's own rules.
  md.inline.ruler.before('escape', 'math', (state: MarkdownIt.StateInline, silent: boolean) => {
    const m = scanMath(state.src, state.pos);
    if (!m || m.tex.trim() === '') return false;
    if (!silent) {
      const token = state.push(m.display ? 'math_display' : 'math_inline', 'math', 0);
      token.content = m.tex;
    }
    state.pos = m.end;
    return true;
  });
  md.renderer.rules.math_inline = (tokens: Tok[], idx: number) => renderTex(tokens[idx].content, false);
  md.renderer.rules.math_display = (tokens: Tok[], idx: number) => renderTex(tokens[idx].content, true);
}

let parser: Md | undefined;

function markdownParser(): Md {
  if (!parser) {
    parser = new MarkdownIt({ html: true, linkify: false, typographer: false });
    mathPlugin(parser);
  }
  return parser;
}

/** Markdown (with math) to an HTML fragment. */
export function markdownToHtml(markdown: string): string {
  return markdownParser().render(markdown);
}

/** Markdown (with math) to a display bundle. */
export function renderMarkdown(markdown: string): MathBundle {
  return {
    'text/html': `<div class="taco-md">${markdownToHtml(markdown)}</div>`,
    'text/markdown': markdown,
    'text/plain': markdown,
  };
}

/**
 * Every formula in a Markdown text, found the way the renderer finds them (code spans and code
 * blocks excluded), so a test can compile each one with `throwOnError`.
 */
export function collectFormulas(markdown: string): Formula[] {
  const found: Formula[] = [];
  const walk = (tokens: Tok[]): void => {
    for (const t of tokens) {
      if (t.type === 'math_inline' || t.type === 'math_display') found.push({ tex: t.content, display: t.type === 'math_display' });
      if (t.children) walk(t.children);
    }
  };
  walk(markdownParser().parse(markdown, {}));
  return found;
}

/** Throws, naming the formula, if any formula in the text does not compile. */
export function checkFormulas(markdown: string): number {
  const formulas = collectFormulas(markdown);
  for (const f of formulas) {
    try {
      renderTex(f.tex, f.display, true);
    } catch (e) {
      throw new Error(`KaTeX cannot compile ${f.display ? '$$' : '$'}${f.tex}${f.display ? '$$' : '$'}: ${e instanceof Error ? e.message : e}`);
    }
  }
  return formulas.length;
}
