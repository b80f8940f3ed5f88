/**
 * Heading anchors and the table of contents of a report page. Ids follow Jupyter's own (heading text,
 * spaces to '-'), so a link into a notebook section reads the same in JupyterLab and in the report.
 */

export interface TocEntry {
  level: number;
  id: string;
  html: string;
}

/** Heading ids as Jupyter makes them (text, spaces to '-') made safe for URLs; unique per page. */
export function slugify(s: string, used: Set<string>): string {
  const base = s.trim().replace(/\s+/g, '-').replace(/[^\p{L}\p{N}_-]+/gu, '').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'section';
  let id = base;
  for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
  used.add(id);
  return id;
}

/** Visible text of an HTML fragment (MathML's TeX annotation is not visible). */
export function visibleText(html: string): string {
  return html
    .replace(/<annotation[\s\S]*?<\/annotation>/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Adds ids to headings and collects h1-h3 for the table of contents. */
export function anchorHeadings(html: string, used: Set<string>, toc: TocEntry[]): string {
  return html.replace(/<h([1-6])((?:\s[^>]*)?)>([\s\S]*?)<\/h\1>/g, (_m, lv: string, attrs: string, inner: string) => {
    const id = slugify(visibleText(inner), used);
    const level = Number(lv);
    if (level <= 3) toc.push({ level, id, html: inner.replace(/<\/?a\b[^>]*>/g, '') });
    return `<h${lv}${attrs} id="${id}">${inner}</h${lv}>`;
  });
}
