import sanitizeHtml from 'sanitize-html';

/**
 * Cleans HTML that comes from a notebook (markdown cells, outputs) before it goes into the report:
 * an allow-list of HTML and MathML tags, no scripts, styles sheets, event handlers, frames or forms,
 * and nothing that would make the page fetch anything (images only as data: URLs, no url() in
 * inline styles). The report's Content-Security-Policy blocks the same things a second time.
 */

const HTML_TAGS = [
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'col', 'colgroup', 'dd', 'del', 'details', 'div', 'dl', 'dt',
  'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p',
  'pre', 'progress', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'u', 'ul', 'var',
];

/** Everything KaTeX's MathML output uses, and the rest of presentation MathML core. */
const MATHML_TAGS = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msup', 'msub', 'msubsup', 'mfrac',
  'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd', 'mlabeledtr', 'mstyle', 'mpadded', 'mphantom',
  'menclose', 'merror', 'mmultiscripts', 'mprescripts', 'none',
];

const MATHML_ATTRS = [
  'xmlns', 'display', 'mathvariant', 'stretchy', 'fence', 'separator', 'lspace', 'rspace', 'minsize', 'maxsize', 'accent',
  'accentunder', 'columnalign', 'rowalign', 'rowspacing', 'columnspacing', 'columnlines', 'rowlines', 'frame', 'width',
  'height', 'depth', 'voffset', 'scriptlevel', 'displaystyle', 'encoding', 'linethickness', 'notation', 'movablelimits',
  'symmetric', 'largeop', 'mathcolor', 'mathbackground', 'mathsize', 'align', 'form',
];

/** Inline styles may lay out and colour, never load: no url(), image-set(), @import, expression() or CSS escapes. */
export function safeStyle(style: string): string | undefined {
  return /url\s*\(|image-set|@import|expression\s*\(|\\|behavior|-moz-binding/i.test(style) ? undefined : style;
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [...HTML_TAGS, ...MATHML_TAGS],
  disallowedTagsMode: 'discard',
  allowedAttributes: {
    '*': ['class', 'title', 'style', 'align', 'lang', 'dir', ...MATHML_ATTRS],
    a: ['href', 'name', 'target', 'rel'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start', 'type'],
    details: ['open'],
    progress: ['value', 'max'],
    col: ['span'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  // KaTeX's annotation holds the TeX source; it is hidden by the browser, kept for copy and assistive tech.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'embed', 'template', 'svg', 'canvas', 'title', 'head'],
  parser: { lowerCaseAttributeNames: false },
  transformTags: {
    '*': (tagName: string, attribs: sanitizeHtml.Attributes) => {
      const a: sanitizeHtml.Attributes = { ...attribs };
      if (a.style !== undefined) {
        const s = safeStyle(a.style);
        if (s === undefined) delete a.style;
        else a.style = s;
      }
      // Links leave the report page; never let them reach back into it.
      if (tagName === 'a' && a.href && !a.href.startsWith('#')) a.rel = 'noopener noreferrer';
      return { tagName, attribs: a };
    },
  },
  // Relative srcs would load files beside the page; only embedded (data:) images stay.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^data:image\//i.test(frame.attribs.src ?? ''),
};

/** Sanitized HTML fragment; safe to place anywhere in the report's body. */
export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, OPTIONS);
}
