import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import javascript from 'highlight.js/lib/languages/javascript';
import python from 'highlight.js/lib/languages/python';
import bash from 'highlight.js/lib/languages/bash';
import json from 'highlight.js/lib/languages/json';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml } from '../notebook/display/escape';

// Only the languages notebooks here contain: the full bundle costs ~1 s to load.
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('python', python);
hljs.registerLanguage('bash', bash);
hljs.registerLanguage('json', json);

/** Code as highlighted HTML (hljs escapes the text itself); unknown languages are escaped plain text. */
export function highlightCode(code: string, language = 'typescript'): string {
  const lang = language.toLowerCase();
  if (!hljs.getLanguage(lang)) return escapeHtml(code);
  return hljs.highlight(code, { language: lang, ignoreIllegals: true }).value;
}

/** The GitHub theme's CSS, inlined in every page. */
export function highlightCss(): string {
  const dir = path.dirname(require.resolve('highlight.js/package.json'));
  return fs.readFileSync(path.join(dir, 'styles', 'github.min.css'), 'utf8');
}
