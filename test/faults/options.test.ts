/**
 * Case 4 (options): every numeric option of every command is range-checked when it is parsed, and the
 * message names the option and the range. `--retries -1`, `--timeout abc`, `--timeout 0` and `--quality 200`
 * used to be accepted and end in empty messages, internal errors or every picture labelled a decodeError.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { annotationsFor, cleanup, expectCase, killStarted, markInputs, sandbox, taco } from './helpers';

after(() => killStarted());

const CASES: { args: (sb: { inDir: string; outDir: string }) => string[]; message: RegExp }[] = [
  { args: (s) => ['data', 'prepare', '--out', path.join(s.outDir, 'ds'), '--quality', '200'], message: /--quality.*1\.\.100.*200|--quality.*200.*1\.\.100/ },
  { args: (s) => ['data', 'download', '--annotations', path.join(s.inDir, 'a.json'), '--out', path.join(s.outDir, 'd'), '--retries', '-1'], message: /--retries.*0\.\.\d+.*-1|--retries.*-1.*0\.\./ },
  { args: (s) => ['data', 'download', '--annotations', path.join(s.inDir, 'a.json'), '--out', path.join(s.outDir, 'd'), '--timeout', 'abc'], message: /--timeout.*abc/ },
  { args: (s) => ['data', 'download', '--annotations', path.join(s.inDir, 'a.json'), '--out', path.join(s.outDir, 'd'), '--timeout', '0'], message: /--timeout.*> 0.*"0"|--timeout.*0.*> 0/ },
  { args: (s) => ['data', 'prepare', '--out', path.join(s.outDir, 'ds'), '--val', '1.5'], message: /--val.*1\.5/ },
  { args: (s) => ['train', '--data', path.join(s.inDir, 'x.yaml'), '--imgsz', '100'], message: /--imgsz.*multiple of 32/ },
  { args: (s) => ['grade', path.join(s.inDir, 'x.ipynb'), '--check-timeout', 'soon'], message: /--check-timeout.*soon/ },
  { args: (s) => ['val', '--weights', path.join(s.inDir, 'w.safetensors'), '--data', path.join(s.inDir, 'x.yaml'), '--conf', '2'], message: /--conf.*2/ },
];

for (const c of CASES) {
  test(`option out of range, as a real process: taco ${c.args({ inDir: 'IN', outDir: 'OUT' }).slice(0, 2).join(' ')} ... ${c.args({ inDir: '', outDir: '' }).slice(-2).join(' ')}`, async () => {
    const sb = sandbox('opt');
    try {
      annotationsFor(path.join(sb.inDir, 'a.json'), [{ file: 'batch_1/a.jpg', url: 'http://127.0.0.1:9/a.jpg' }]);
      markInputs(sb);
      const r = await taco(c.args(sb), { cwd: sb.root, timeoutMs: 60_000 });
      await expectCase(sb, r, { status: 1, message: c.message });
      assert.deepEqual([...new Set(r.out.split('\n').filter(Boolean))].length <= 3, true, `one short message, not a help page:\n${r.out}`);
    } finally {
      cleanup(sb);
    }
  });
}

/** Every subcommand with its path of names. */
function commands(cmd: Command, prefix: string[] = []): { path: string[]; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...prefix, c.name()], cmd: c }, ...commands(c, [...prefix, c.name()])]);
}

const NUMERIC_PLACEHOLDER = /<(n|s|px|x|q|fraction|mb|ms|seconds|ids)(\.\.\.)?>/i;

function isNumeric(o: Option): boolean {
  const d = o.defaultValue as unknown;
  const numericDefault = typeof d === 'number' || (typeof d === 'string' && d.trim() !== '' && Number.isFinite(Number(d))) || (Array.isArray(d) && d.length > 0 && d.every((x) => typeof x === 'number'));
  return (o.required || o.optional) && (numericDefault || NUMERIC_PLACEHOLDER.test(o.flags));
}

test('every numeric option of every command refuses a non-number, a negative and a huge value, naming itself', async () => {
  const { buildProgram } = await import('../../src/cli/main');
  const program = buildProgram();
  const found: string[] = [];
  const failures: string[] = [];
  for (const { path: names, cmd } of commands(program)) {
    for (const o of cmd.options as Option[]) {
      if (!isNumeric(o)) continue;
      const flag = o.long as string;
      found.push(`${names.join(' ')} ${flag}`);
      // Ids have no upper bound worth the name, but are whole numbers.
      for (const bad of /<ids>/.test(o.flags) ? ['abc', '-1', '1.5'] : ['abc', '-1', '1e12']) {
        // A fresh program per parse: commander keeps option values between parses.
        const p = buildProgram();
        let err = '';
        // Parsing only: an accepted value must not start the command (actions are replaced by no-ops).
        const quiet = (c: Command) => {
          c.exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => undefined, outputError: (s) => (err += s) });
          if ((c as unknown as { _actionHandler?: unknown })._actionHandler) c.action(() => undefined);
          c.commands.forEach(quiet);
        };
        quiet(p);
        const required = (cmd.options as Option[]).filter((x) => x.mandatory && x !== o).flatMap((x) => [x.long as string, 'x']);
        const args = (cmd.registeredArguments ?? []).filter((a) => a.required).map(() => 'x');
        try {
          await p.parseAsync(['node', 'taco', ...names, ...args, ...required, flag, bad]);
          failures.push(`${names.join(' ')} ${flag} ${bad}: accepted`);
        } catch (e) {
          const msg = `${(e as Error).message} ${err}`;
          if (!msg.includes(flag)) failures.push(`${names.join(' ')} ${flag} ${bad}: message does not name the option: ${msg.trim()}`);
        }
      }
    }
  }
  assert.ok(found.length >= 40, `only ${found.length} numeric options found: ${found.join(', ')}`);
  assert.deepEqual(failures, []);
});
