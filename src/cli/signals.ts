/**
 * How the CLI process (the child that bin/taco.js starts) ends on a signal or when its wrapper is gone.
 *
 * SIGINT, SIGTERM, SIGHUP: the exit clean-ups run (a training run's lock file goes away), then the signal is
 * raised again with its default action, so the process still ends *by* that signal and the wrapper reports
 * it. A command that installed its own handler (`nb run` stops its kernel first) keeps that job.
 *
 * The wrapper's pid comes in TACO_PARENT_PID. If the wrapper disappears (SIGKILL cannot be passed on), this
 * process is re-parented; it notices within half a second and stops itself with SIGTERM.
 */
import { runExitCleanups } from '../project/exit-cleanup';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function installSignalHandling(): void {
  for (const sig of SIGNALS) {
    const onSignal = () => {
      process.removeListener(sig, onSignal);
      runExitCleanups();
      // Another handler (registered by a command) takes it from here; otherwise end by the signal itself.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
  const parent = Number(process.env.TACO_PARENT_PID);
  // Children of this process (notebook kernels, benchmarks) are not the wrapper's direct children.
  delete process.env.TACO_PARENT_PID;
  if (Number.isInteger(parent) && parent > 1 && process.ppid === parent) {
    setInterval(() => {
      if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
    }, 500).unref();
  }
}
