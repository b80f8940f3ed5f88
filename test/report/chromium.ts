import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); TACO_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.TACO_CHROMIUM || '/usr/bin/chromium';

/** Where browser tests leave their screenshots (gitignored). */
export const TEST_OUTPUT = path.resolve(__dirname, '..', '..', 'test-output');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumSkipReason(): string | undefined {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium): browser test skipped`;
  try {
    require.resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm install): browser test skipped';
  }
  return undefined;
}

export interface Recorder {
  consoleErrors: string[];
  pageErrors: string[];
  /** Every request for anything but file: and data: URLs (all of them are aborted). */
  network: string[];
}

/** A headless Chromium with a fresh profile that may reach only `allow` (URL prefixes) and file:/data:. */
export async function launch(allow: string[] = []): Promise<{ context: BrowserContext; recorder: Recorder; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'taco-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const recorder: Recorder = { consoleErrors: [], pageErrors: [], network: [] };
  const allowed = (url: string): boolean => url.startsWith('file:') || url.startsWith('about:') || url.startsWith('data:') || url.startsWith('blob:') || allow.some((a) => url.startsWith(a));
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (allowed(url)) await route.continue();
    else {
      recorder.network.push(url);
      await route.abort();
    }
  });
  context.on('request', (r) => {
    if (!allowed(r.url()) && !recorder.network.includes(r.url())) recorder.network.push(r.url());
  });
  const watch = (page: Page): void => {
    page.on('console', (m) => {
      if (m.type() === 'error') recorder.consoleErrors.push(`${page.url().split('/').pop()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => recorder.pageErrors.push(`${page.url().split('/').pop()}: ${e.message}`));
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    recorder,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
