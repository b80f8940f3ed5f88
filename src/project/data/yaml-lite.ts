/**
 * The small YAML subset data.yaml needs (no YAML package is installed): block maps by indentation,
 * block lists (`- x`), flow lists (`[a, b]`), scalars (numbers, booleans, null, quoted or plain
 * strings) and `#` comments. Enough for ultralytics' dataset files; anchors, multi-line strings
 * and flow maps are rejected with the line number.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

interface Line { indent: number; text: string; no: number }

function stripComment(s: string): string {
  let q: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) { if (ch === q) q = null; }
    else if (ch === '"' || ch === "'") q = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(s[i - 1]))) return s.slice(0, i);
  }
  return s;
}

function scalar(s: string, where: string): YamlValue {
  const t = s.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`${where}: unterminated string`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`${where}: unterminated string`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`${where}: unterminated flow list`);
    const inner = t.slice(1, -1).trim();
    return inner === '' ? [] : splitFlow(inner).map((x) => scalar(x, where));
  }
  if (/^[{&*|>!]/.test(t)) throw new Error(`${where}: unsupported YAML construct '${t[0]}'`);
  return t;
}

function splitFlow(s: string): string[] {
  const out: string[] = [];
  let q: string | null = null, cur = '';
  for (const ch of s) {
    if (q) { cur += ch; if (ch === q) q = null; }
    else if (ch === '"' || ch === "'") { q = ch; cur += ch; }
    else if (ch === ',') { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

function keyOf(text: string): { key: string; rest: string } | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:'"]+?)\s*:(\s+|$)(.*)$/.exec(text);
  if (!m) return undefined;
  let key = m[1];
  if (key.startsWith('"')) key = JSON.parse(key) as string;
  else if (key.startsWith("'")) key = key.slice(1, -1);
  return { key, rest: m[3] };
}

export function parseYaml(text: string, file = 'yaml'): YamlValue {
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*\t/.test(raw)) throw new Error(`${file}:${i + 1}: tabs are not allowed for indentation`);
    const s = stripComment(raw).replace(/\s+$/, '');
    if (s.trim() === '' || s.trim() === '---') return;
    lines.push({ indent: s.length - s.trimStart().length, text: s.trim(), no: i + 1 });
  });
  let pos = 0;
  function block(indent: number): YamlValue {
    const first = lines[pos];
    if (first.text.startsWith('- ') || first.text === '-') {
      const arr: YamlValue[] = [];
      while (pos < lines.length && lines[pos].indent === indent && (lines[pos].text.startsWith('- ') || lines[pos].text === '-')) {
        const ln = lines[pos++];
        const rest = ln.text.slice(1).trim();
        if (rest === '') arr.push(pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : null);
        else if (keyOf(rest)) throw new Error(`${file}:${ln.no}: maps inside lists are not supported`);
        else arr.push(scalar(rest, `${file}:${ln.no}`));
      }
      return arr;
    }
    const obj: { [k: string]: YamlValue } = {};
    while (pos < lines.length && lines[pos].indent === indent) {
      const ln = lines[pos++];
      const kv = keyOf(ln.text);
      if (!kv) throw new Error(`${file}:${ln.no}: expected 'key: value', got '${ln.text}'`);
      if (kv.rest.trim() === '') obj[kv.key] = pos < lines.length && lines[pos].indent > indent ? block(lines[pos].indent) : null;
      else obj[kv.key] = scalar(kv.rest, `${file}:${ln.no}`);
    }
    if (pos < lines.length && lines[pos].indent > indent) throw new Error(`${file}:${lines[pos].no}: unexpected indentation`);
    return obj;
  }
  if (lines.length === 0) return null;
  const v = block(lines[0].indent);
  if (pos < lines.length) throw new Error(`${file}:${lines[pos].no}: unexpected indentation`);
  return v;
}

type YamlScalar = string | number | boolean | null;

function fmtScalar(v: YamlScalar): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  return /^[A-Za-z_/.][A-Za-z0-9_ ./()-]*$/.test(v) && !/^(true|false|null|~)$/.test(v) && !/\s$/.test(v) ? v : JSON.stringify(v);
}

/** Block-style YAML for plain objects/arrays of scalars; keys that look numeric stay bare (as ultralytics writes names). */
export function stringifyYaml(v: YamlValue, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' ? `${pad}-\n${stringifyYaml(x as YamlValue, indent + 2)}` : `${pad}- ${fmtScalar(x as YamlScalar)}\n`)).join('');
  if (v !== null && typeof v === 'object')
    return Object.entries(v)
      .map(([k, x]) => {
        const key = /^[A-Za-z0-9_.-]+$/.test(k) ? k : JSON.stringify(k);
        if (x !== null && typeof x === 'object') return `${pad}${key}:\n${stringifyYaml(x as YamlValue, indent + 2)}`;
        return `${pad}${key}: ${fmtScalar(x as YamlScalar)}\n`;
      })
      .join('');
  return `${pad}${fmtScalar(v as YamlScalar)}\n`;
}
