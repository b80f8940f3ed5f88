import { main } from './main';
import { installSignalHandling } from './signals';

installSignalHandling();
main(process.argv).catch((err: unknown) => {
  const e = err as Error;
  process.stderr.write(`taco: ${e && e.message ? e.message : String(err)}\n`);
  if (process.env.TACO_DEBUG) process.stderr.write(`${e && e.stack}\n`);
  process.exit(1);
});
