#!/usr/bin/env node
// Entry of the `taco` CLI. Sources are TypeScript: node runs them through tsx's loader (`--import tsx`),
// which handles both require() and dynamic import(), and worker threads inherit it, so users need no build step.
//
// The work happens in that child node, so this wrapper must behave as if it were the work: SIGINT, SIGTERM
// and SIGHUP are passed on (a wrapper that died alone used to leave a training running beside the next one),
// the exit status is the child's (128 + the signal number when a signal ended it, as a shell reports), and a
// child killed by a signal gets one line saying which. The child also watches this process (TACO_PARENT_PID,
// src/cli/parent-watch.ts), so even a SIGKILL here, which nothing can pass on, ends it.
const { spawn } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const main = path.join(__dirname, '..', 'src', 'cli', 'run.ts');
// tsx resolved from here, not from the working directory: `taco` runs from any folder.
const tsx = pathToFileURL(require.resolve('tsx', { paths: [path.join(__dirname, '..')] })).href;
const child = spawn(process.execPath, ['--import', tsx, ...process.execArgv, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: process.cwd(),
  env: { ...process.env, TACO_PARENT_PID: String(process.pid) },
});

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let received;
for (const sig of FORWARDED) {
  process.on(sig, () => {
    received = sig;
    // A Ctrl-C in a terminal reaches the whole process group, the child included; sending it again is harmless.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill(sig);
      } catch {
        // already gone
      }
    }
  });
}
// Arrived before the child existed: pass it on once it does.
child.once('spawn', () => {
  if (received) child.kill(received);
});

// `npx taco` / `npm run`: npm runs `sh -c taco ...` and, when it is stopped, signals only that shell, which
// dies without passing the signal on. Under npm, losing the launcher (the shell, or npm above it) means
// "stop". Outside npm, being re-parented is normal (`taco train & disown`, nohup) and taco goes on.
if (process.env.npm_command || process.env.npm_lifecycle_event) {
  const parentOf = (pid) => {
    try {
      const s = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined;
    }
  };
  const launcher = process.ppid;
  const npm = parentOf(launcher);
  setInterval(() => {
    const gone = process.ppid !== launcher || (npm !== undefined && parentOf(launcher) !== npm);
    if (gone && !received) {
      received = 'SIGTERM';
      process.stderr.write('taco: npm, which started taco, has ended: stopping\n');
      child.kill('SIGTERM');
    }
  }, 500).unref();
}

let finished = false;
child.on('error', (e) => {
  if (finished) return;
  finished = true;
  process.stderr.write(`taco: could not start node: ${e.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (finished) return;
  finished = true;
  if (signal) {
    const n = os.constants.signals[signal] || 0;
    const why =
      signal === 'SIGKILL'
        ? 'killed by SIGKILL, which the system sends when memory runs out (see `dmesg`); a smaller --batch or --imgsz needs less'
        : received === signal
          ? `stopped by ${signal}`
          : `ended by ${signal}`;
    process.stderr.write(`taco: ${why}\n`);
    process.exit(128 + n);
  }
  process.exit(code === null ? 1 : code);
});
