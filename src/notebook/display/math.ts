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

/** The macros one page starts with; pass the same object to every formula of the page, in order. */
export function pageMacros(): Record<string, string> {
  return { ...KATEX_MACROS };
}

/** Whether KaTeX (or the page so far) defines a control sequence. */
function isDefined(name: string, macros: Record<string, string>): boolean {
  if (name in macros) return true;
  try {
    katex.renderToString(name, { throwOnError: true, output: 'mathml' });
    return true;
  } catch (e) {
    return !/Undefined control sequence/.test(e instanceof Error ? e.message : String(e));
  }
}

/**
 * MathJax, which typesets Markdown cells in Jupyter, lets \newcommand redefine a name (course notebooks
 * start with a cell of \newcommand's, \mat and \vec among them); KaTeX wants \renewcommand for that.
 */
function newcommandAsMathJax(tex: string, macros: Record<string, string>): string {
  return tex.replace(/\\newcommand(\s*\{?\s*)(\\[A-Za-z]+)/g, (m, gap: string, name: string) => (isDefined(name, macros) ? `\\renewcommand${gap}${name}` : m));
}

/**
 * Renders one formula to MathML. `strict` makes bad LaTeX throw instead of printing red text. With
 * `macros` (one object per page, see pageMacros), \newcommand definitions carry over to later formulas,
 * as they do in Jupyter; without it, each formula starts from the course macros alone.
 */
export function renderTex(tex: string, display: boolean, strict = false, macros?: Record<string, string>): string {
  return katex.renderToString(macros ? newcommandAsMathJax(tex, macros) : tex, {
    displayMode: display,
    output: 'mathml',
    throwOnError: strict,
    // Without a page's object, a fresh copy: KaTeX adds \def's to the object it is given.
    macros: macros ?? { ...KATEX_MACROS },
    globalGroup: macros !== undefined,
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
  const macrosOf = (env: unknown): Record<string, string> | undefined => (env as { macros?: Record<string, string> } | undefined)?.macros;
  md.renderer.rules.math_inline = (tokens: Tok[], idx: number, _o: unknown, env: unknown) => renderTex(tokens[idx].content, false, false, macrosOf(env));
  md.renderer.rules.math_display = (tokens: Tok[], idx: number, _o: unknown, env: unknown) => renderTex(tokens[idx].content, true, false, macrosOf(env));
}

let parser: Md | undefined;

function markdownParser(): Md {
  if (!parser) {
    parser = new MarkdownIt({ html: true, linkify: false, typographer: false });
    mathPlugin(parser);
  }
  return parser;
}

/** Markdown (with math) to an HTML fragment; `macros`: the page's, so \newcommand's carry over (see renderTex). */
export function markdownToHtml(markdown: string, macros?: Record<string, string>): string {
  return markdownParser().render(markdown, { macros });
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
