import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addonPath, buildDir, repoRoot } from './addon';

/**
 * Builds the oneDNN addon with node-gyp into build/native (gitignored): the C++ sources in native/ are
 * staged there so nothing is written into the source tree. Needs g++, make, Python 3 and libdnnl-dev
 * (Debian/Ubuntu: `apt-get install -y g++ make libdnnl-dev`). Node's headers come from the Node
 * installation itself (no download).
 */
export interface BuildResult { ok: boolean; addon: string; log: string }

/** npm ships node-gyp; find the copy next to this Node (or on PATH). */
export function findNodeGyp(): string | undefined {
  const prefix = path.dirname(path.dirname(process.execPath));
  const candidates = [
    path.join(prefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(prefix, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally
  }
  return candidates.find((c) => fs.existsSync(c));
}

/** Node's own headers (Debian's nodejs and the official tarballs ship include/node). */
function nodeDir(): string | undefined {
  const prefix = path.dirname(path.dirname(process.execPath));
  return fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined;
}

export function buildAddon(opts: { verbose?: boolean } = {}): BuildResult {
  const gyp = findNodeGyp();
  if (!gyp) return { ok: false, addon: addonPath, log: 'node-gyp not found (it ships with npm)' };
  if (!fs.existsSync('/usr/include/oneapi/dnnl/dnnl.hpp') && !fs.existsSync('/usr/local/include/oneapi/dnnl/dnnl.hpp')) {
    return { ok: false, addon: addonPath, log: 'oneDNN headers not found: install libdnnl-dev (apt-get install -y libdnnl-dev)' };
  }
  const src = path.join(repoRoot, 'native');
  fs.mkdirSync(buildDir, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    if (/\.(cc|h|gyp)$/.test(f)) fs.copyFileSync(path.join(src, f), path.join(buildDir, f));
  }
  const args = [gyp, 'rebuild', ...(nodeDir() ? [`--nodedir=${nodeDir()}`] : []), '-j', '2'];
  const r = spawnSync(process.execPath, args, { cwd: buildDir, encoding: 'utf8', stdio: opts.verbose ? 'inherit' : 'pipe' });
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0 && fs.existsSync(addonPath), addon: addonPath, log };
}
