import { LayerSpec, ModelDef } from './definition';
import { summary } from './summary';

/**
 * An SVG architecture diagram drawn from the resolved definition: backbone (top to bottom), the
 * top-down neck (read bottom to top), the bottom-up neck (top to bottom), and the Detect head per
 * stride. Boxes show each layer's module, arguments and output shape at imgsz; arrows are the
 * yaml's from-links, so the picture is true for whatever definition it is given.
 */

export interface DiagramOptions {
  imgsz?: number;
  title?: string;
}

interface Node {
  id: string;
  col: number;
  row: number;
  title: string;
  detail: string;
  shape: string;
  kind: LayerSpec['module'] | 'Input';
}

const COLORS: Record<Node['kind'], string> = {
  Input: '#eceff1',
  Conv: '#bbdefb',
  C2f: '#c8e6c9',
  SPPF: '#ffe0b2',
  Upsample: '#e1bee7',
  Concat: '#fff9c4',
  Detect: '#ffcdd2',
};

const BOX_W = 210;
const BOX_H = 48;
const ROW_H = 72;
const COL_W = 300;
const LEFT = 90;
const TOP = 96;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function describe(l: LayerSpec): { title: string; detail: string } {
  switch (l.module) {
    case 'Conv':
      return { title: `${l.index} Conv`, detail: `k${l.convs[0].k} s${l.convs[0].stride}` };
    case 'C2f':
      return { title: `${l.index} C2f`, detail: `n=${l.repeats}${l.shortcut ? ', shortcut' : ''}` };
    case 'SPPF':
      return { title: `${l.index} SPPF`, detail: `k${l.pool}` };
    case 'Upsample':
      return { title: `${l.index} Upsample`, detail: 'x2 nearest' };
    case 'Concat':
      return { title: `${l.index} Concat`, detail: `from ${l.from.join(', ')}` };
    case 'Detect':
      return { title: `${l.index} Detect`, detail: '' };
  }
}

/** Assigns columns and rows: stage by layer role, rows aligned with the backbone level they join. */
function layout(def: ModelDef, imgsz: number): { nodes: Node[]; edges: [string, string][] } {
  const s = summary(def, imgsz);
  const nodes: Node[] = [{ id: 'in', col: 0, row: -1, title: 'input', detail: 'RGB 0..1', shape: `${imgsz}×${imgsz}×3`, kind: 'Input' }];
  const edges: [string, string][] = [];
  const fmt = (sh: number[]) => sh.join('×');
  const backbone = def.layers.filter((l) => l.part === 'backbone');
  const neck = def.layers.filter((l) => l.part === 'head' && l.module !== 'Detect');
  const detect = def.layers.find((l) => l.module === 'Detect') as LayerSpec;
  backbone.forEach((l, r) => {
    nodes.push({ id: `L${l.index}`, col: 0, row: r, ...describe(l), shape: fmt(s.rows[l.index].outShape as number[]), kind: l.module });
  });
  // The neck splits where its stride stops shrinking (top-down, FPN) and starts growing (bottom-up, PAN).
  const firstDown = neck.findIndex((l, i) => i > 0 && l.stride > neck[i - 1].stride);
  const fpn = firstDown < 0 ? neck : neck.slice(0, firstDown);
  const pan = firstDown < 0 ? [] : neck.slice(firstDown);
  const last = backbone.length - 1;
  fpn.forEach((l, i) => {
    nodes.push({ id: `L${l.index}`, col: 1, row: last - i, ...describe(l), shape: fmt(s.rows[l.index].outShape as number[]), kind: l.module });
  });
  pan.forEach((l, i) => {
    nodes.push({ id: `L${l.index}`, col: 2, row: last - pan.length + 1 + i, ...describe(l), shape: fmt(s.rows[l.index].outShape as number[]), kind: l.module });
  });
  const rowOf = (id: string) => (nodes.find((n) => n.id === id) as Node).row;
  const shapes = s.rows[detect.index].outShape as number[][];
  detect.from.forEach((f, i) => {
    const id = `D${i}`;
    const nc = def.nc;
    nodes.push({
      id,
      col: 3,
      row: rowOf(`L${f}`),
      title: `${detect.index} Detect P${Math.log2(def.strides[i])}/${def.strides[i]}`,
      detail: 'box | cls',
      shape: `${shapes[i][0]}×${shapes[i][1]}×(4·16 + ${nc})`,
      kind: 'Detect',
    });
    edges.push([`L${f}`, id]);
  });
  for (const l of def.layers) {
    if (l.module === 'Detect') continue;
    for (const f of l.from) edges.push([f < 0 ? 'in' : `L${f}`, `L${l.index}`]);
  }
  return { nodes, edges };
}

export function architectureSvg(def: ModelDef, opts: DiagramOptions = {}): string {
  const imgsz = opts.imgsz ?? 640;
  const { nodes, edges } = layout(def, imgsz);
  const s = summary(def, imgsz);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const maxRow = Math.max(...nodes.map((n) => n.row));
  const width = LEFT + 4 * COL_W + 20;
  const height = TOP + (maxRow + 2) * ROW_H + 60;
  const cx = (n: Node) => LEFT + n.col * COL_W + BOX_W / 2;
  const cy = (n: Node) => TOP + (n.row + 1) * ROW_H + BOX_H / 2;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#455a64"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  const title =
    opts.title ??
    `YOLOv8${def.scale} (nc=${def.nc}): ${s.params.toLocaleString('en-US')} parameters, ${s.gflops.toFixed(1)} GFLOPs at ${imgsz}×${imgsz}`;
  out.push(`<text x="${LEFT}" y="34" font-size="20" font-weight="bold" fill="#263238">${esc(title)}</text>`);
  const heads = ['Backbone', 'Neck: top-down (FPN) ↑', 'Neck: bottom-up (PAN) ↓', 'Head: Detect per stride'];
  heads.forEach((h, i) => out.push(`<text x="${LEFT + i * COL_W + BOX_W / 2}" y="70" font-size="15" font-weight="bold" text-anchor="middle" fill="#37474f">${esc(h)}</text>`));
  // Stride labels beside the backbone rows.
  for (const n of nodes.filter((m) => m.col === 0 && m.id !== 'in')) {
    const l = def.layers[Number(n.id.slice(1))];
    out.push(`<text x="${LEFT - 12}" y="${cy(n) + 5}" font-size="13" text-anchor="end" fill="#607d8b">P${Math.log2(l.stride)}/${l.stride}</text>`);
  }
  // Edges first, so boxes draw over their ends.
  for (const [a, b] of edges) {
    const p = byId.get(a) as Node;
    const q = byId.get(b) as Node;
    let d: string;
    if (p.col === q.col) {
      const down = q.row > p.row;
      const y1 = cy(p) + (down ? BOX_H / 2 : -BOX_H / 2);
      const y2 = cy(q) + (down ? -BOX_H / 2 : BOX_H / 2);
      d = `M${cx(p)},${y1} L${cx(q)},${y2}`;
    } else {
      const x1 = cx(p) + BOX_W / 2;
      const x2 = cx(q) - BOX_W / 2;
      if (q.col - p.col === 1) {
        const mx = (x1 + x2) / 2;
        d = `M${x1},${cy(p)} C${mx},${cy(p)} ${mx},${cy(q)} ${x2},${cy(q)}`;
      } else {
        // Skips a column: run along the gap between two rows so no box is crossed.
        const lane = TOP + (Math.min(p.row, q.row) + 1) * ROW_H - (ROW_H - BOX_H) / 2;
        const xa = x1 + 24;
        const xb = x2 - 24;
        d = `M${x1},${cy(p)} C${xa},${cy(p)} ${x1},${lane} ${xa + 20},${lane} L${xb - 20},${lane} C${x2},${lane} ${xb},${cy(q)} ${x2},${cy(q)}`;
      }
    }
    out.push(`<path d="${d}" fill="none" stroke="#455a64" stroke-width="1.6" marker-end="url(#arrow)"/>`);
  }
  for (const n of nodes) {
    const x = cx(n) - BOX_W / 2;
    const y = cy(n) - BOX_H / 2;
    out.push(
      `<g><rect x="${x}" y="${y}" width="${BOX_W}" height="${BOX_H}" rx="7" fill="${COLORS[n.kind]}" stroke="#455a64" stroke-width="1.2"/>`,
      `<text x="${x + 10}" y="${y + 20}" font-size="14" font-weight="bold" fill="#212121">${esc(n.title)}</text>`,
      `<text x="${x + BOX_W - 10}" y="${y + 20}" font-size="12" text-anchor="end" fill="#424242">${esc(n.detail)}</text>`,
      `<text x="${x + 10}" y="${y + 39}" font-size="13" fill="#37474f">${esc(n.shape)}</text></g>`,
    );
  }
  const legendY = height - 26;
  let lx = LEFT;
  for (const k of Object.keys(COLORS) as Node['kind'][]) {
    out.push(`<rect x="${lx}" y="${legendY - 12}" width="16" height="16" rx="3" fill="${COLORS[k]}" stroke="#455a64"/>`);
    out.push(`<text x="${lx + 22}" y="${legendY + 1}" font-size="13" fill="#37474f">${k}</text>`);
    lx += 120;
  }
  out.push(`<text x="${width - 20}" y="${legendY + 1}" font-size="12" text-anchor="end" fill="#78909c">shapes H×W×C at ${imgsz}; generated from the model definition</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
