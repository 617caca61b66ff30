import { defineConfig } from '@playwright/test';
// @ts-expect-error -- plain ESM helper shared with the install script, no types needed
import { chromiumExecutable } from '../scripts/find-chromium.mjs';

const executablePath: string | undefined = chromiumExecutable();
// Several runs may share a checkout (developers, helpers): each writes its own results
// folder, since Playwright empties its output folder when a run starts. Workers inherit
// the id from the main process's environment.
process.env.TANDEM_RUN_ID ??= `${Date.now()}-${process.pid}`;

export default defineConfig({
  testDir: './e2e',
  outputDir: `./artifacts/results/${process.env.TANDEM_RUN_ID}`,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // Each test runs two browser contexts plus a relay on a 2-core machine.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      ...(executablePath ? { executablePath } : {}),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
