import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kernelLauncher } from './kernel-process';

/**
 * A Jupyter kernel spec that starts our launcher with this node by absolute paths: `tslab install`
 * writes a bare `tslab` command, which is usually not on PATH, and plain tslab cannot import ../src.
 */
export function kernelSpec(): Record<string, unknown> {
  return {
    argv: [process.execPath, kernelLauncher(), 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (tslab, taco)',
    language: 'typescript',
    interrupt_mode: 'signal',
  };
}

/** The per-user kernels folder Jupyter searches (jupyter --data-dir), or <prefix>/share/jupyter/kernels. */
export function kernelsDir(prefix?: string): string {
  if (prefix) return path.join(prefix, 'share', 'jupyter', 'kernels');
  if (process.env.JUPYTER_DATA_DIR) return path.join(process.env.JUPYTER_DATA_DIR, 'kernels');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter', 'kernels');
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'jupyter', 'kernels');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'jupyter', 'kernels');
}

export function installKernelSpec(opts: { name: string; prefix?: string }): string {
  if (!/^[a-zA-Z0-9._-]+$/.test(opts.name)) throw new Error(`--name: "${opts.name}" is not a valid kernel name ([a-zA-Z0-9._-])`);
  const dir = path.join(kernelsDir(opts.prefix), opts.name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'kernel.json');
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(kernelSpec(), null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}
