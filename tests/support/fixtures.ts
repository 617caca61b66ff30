import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { startRelay } from '@tandem/relay';
import { fileURLToPath } from 'node:url';

export const CLIENT_DIR = fileURLToPath(new URL('../../dist/client', import.meta.url));

export interface RunningRelay {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Party {
  context: BrowserContext;
  page: Page;
}

interface Fixtures {
  /** The real relay on a free loopback port, serving the built client. */
  relay: RunningRelay;
  /** Two separate browser contexts (separate storage, no BroadcastChannel between them). */
  counsellor: Party;
  beneficiary: Party;
}

async function openParty(
  browser: import('@playwright/test').Browser,
  baseURL: string,
  name: string,
  errors: string[],
): Promise<Party> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 900 } });
  // Whole stacks in the page-error report below (V8 keeps 10 frames by default).
  await context.addInitScript(() => {
    Error.stackTraceLimit = 50;
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => {
    // The first frames say where (the client is built with source maps off: names are short).
    const where = (error.stack ?? '').split('\n').slice(1, 40).join('\n');
    errors.push(`[${name}] ${error.message}\n${where}`);
  });
  return { context, page };
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the fixture-object pattern
  relay: async ({}, use) => {
    const relay = await startRelay({ port: 0, host: '127.0.0.1', staticDir: CLIENT_DIR });
    await use(relay);
    await relay.close();
  },
  counsellor: async ({ browser, relay }, use, testInfo) => {
    const errors: string[] = [];
    const party = await openParty(browser, relay.url, 'counsellor', errors);
    await use(party);
    await party.context.close();
    if (errors.length && testInfo.status === testInfo.expectedStatus) {
      throw new Error(`Uncaught page errors:\n${errors.join('\n')}`);
    }
  },
  beneficiary: async ({ browser, relay }, use, testInfo) => {
    const errors: string[] = [];
    const party = await openParty(browser, relay.url, 'beneficiary', errors);
    await use(party);
    await party.context.close();
    if (errors.length && testInfo.status === testInfo.expectedStatus) {
      throw new Error(`Uncaught page errors:\n${errors.join('\n')}`);
    }
  },
});

export { expect } from '@playwright/test';
