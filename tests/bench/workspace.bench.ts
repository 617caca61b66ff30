/**
 * The client's weight and the workspace's time to interactive.
 *
 * 1. Bundle (gzip): the whole built client (every file under dist/client/assets), and
 *    what the first screen actually loads — measured in Chromium from the responses of a
 *    fresh visit to `/` — then what opening a bilan adds. Goals: first screen ≤ 250 KiB,
 *    whole client ≤ 400 KiB.
 * 2. Time to interactive of a bilan's workspace, reopened (reload) from the local copy:
 *    an empty synthesis and a 10,000-word one side by side, in alternating rounds, with the
 *    ratio. "Rendered" = the last paragraph of the last section is in the editor DOM;
 *    "interactive" = a key typed at that moment shows up in the editor.
 *    The 10,000 words come from a peer process (the synthesis holder of the cold-join
 *    bench) joined with the bilan's link, so they arrive as a real sync would bring them.
 */
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parseLinkFragment } from '@tandem/protocol';
// @ts-expect-error -- plain ESM helper shared with the Playwright config, no types needed
import { chromiumExecutable } from '../../scripts/find-chromium.mjs';
import { createBilan } from '../support/flows.ts';
import { spawnSynthesisHolder, spawnTandemRelay } from './bench-servers.ts';
import { distribution, fmt, row } from './bench-stats.ts';

const CLIENT_DIR =
  process.env['TANDEM_CLIENT_DIR'] ?? fileURLToPath(new URL('../../dist/client', import.meta.url));
const KIB = 1024;
const GOAL_FIRST_SCREEN_KIB = 250;
const GOAL_WHOLE_KIB = 400;
const ROUNDS = 5;
/** Paragraphs per section written by the holder (synthesis-fixture.ts). */
const HOLDER_PARAGRAPHS_PER_SECTION = 134;
const TEN_THOUSAND_WORDS = 10_000;
const STEP_TIMEOUT_MS = 60_000;

const gzipBytes = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;

function wholeClient(): { files: number; gzip: number; raw: number } {
  const assets = join(CLIENT_DIR, 'assets');
  let gzip = 0;
  let raw = 0;
  let files = 0;
  for (const name of readdirSync(assets)) {
    if (!/\.(js|css|wasm)$/.test(name)) continue;
    const bytes = readFileSync(join(assets, name));
    raw += statSync(join(assets, name)).size;
    gzip += gzipBytes(bytes);
    files += 1;
  }
  const html = readFileSync(join(CLIENT_DIR, 'index.html'));
  return { files: files + 1, gzip: gzip + gzipBytes(html), raw: raw + html.length };
}

/** Records every same-origin response a page receives, by URL (gzip size of its body). */
function recordLoads(page: Page, origin: string): Map<string, number> {
  const loads = new Map<string, number>();
  page.on('response', (response) => {
    const url = response.url();
    if (!url.startsWith(origin) || loads.has(url) || response.status() !== 200) return;
    loads.set(url, 0);
    void response
      .body()
      .then((body) => loads.set(url, gzipBytes(body)))
      .catch(() => loads.delete(url));
  });
  return loads;
}

const total = (loads: Map<string, number>) => [...loads.values()].reduce((a, b) => a + b, 0);

function lastParagraph(page: Page, paragraphs: number) {
  return page
    .getByTestId('synthesis-editor')
    .locator('[data-section="projet"] .ProseMirror > p')
    .nth(paragraphs - 1);
}

/** Reload → last paragraph rendered → a typed key visible. Returns both times in ms. */
async function reopen(page: Page, paragraphs: number, token: string) {
  const start = performance.now();
  await page.reload({ waitUntil: 'commit' });
  const last = lastParagraph(page, paragraphs);
  await last.waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  const rendered = performance.now() - start;
  await last.click();
  await page.keyboard.press('End');
  await page.keyboard.type(token);
  await page
    .getByTestId('synthesis-editor')
    .getByText(token)
    .waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  return { rendered, interactive: performance.now() - start };
}

async function newParty(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`  page error: ${error.message}`));
  return page;
}

export async function run(): Promise<void> {
  const whole = wholeClient();
  const relay = await spawnTandemRelay(CLIENT_DIR);
  const executablePath: string | undefined = chromiumExecutable();
  const browser = await chromium.launch({
    ...(executablePath ? { executablePath } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    // --- Bundle: first screen, then what a bilan adds.
    const fresh = await browser.newContext({ baseURL: relay.url });
    const page = await newParty(fresh);
    const loads = recordLoads(page, relay.url);
    await page.goto('/');
    await page.getByTestId('new-bilan').waitFor();
    await page.waitForLoadState('networkidle');
    const firstScreen = total(loads);
    const firstScreenFiles = loads.size;
    const firstScreenList = [...loads].sort((a, b) => b[1] - a[1]);
    await createBilan(page);
    await page.waitForLoadState('networkidle');
    const withWorkspace = total(loads);
    await fresh.close();

    const widths = [34, 12, 10];
    console.info(row(['bundle (gzip)', 'KiB', 'goal'], widths));
    console.info(
      row(
        [
          `first screen (${firstScreenFiles} files)`,
          fmt(firstScreen / KIB, 1),
          `≤ ${GOAL_FIRST_SCREEN_KIB}`,
        ],
        widths,
      ),
    );
    for (const [url, bytes] of firstScreenList) {
      console.info(
        row([`  ${new URL(url).pathname.slice(0, 30)}`, fmt(bytes / KIB, 1), ''], widths),
      );
    }
    console.info(
      row(['first screen + open bilan + editor', fmt(withWorkspace / KIB, 1), ''], widths),
    );
    console.info(
      row(
        [`whole client (${whole.files} files)`, fmt(whole.gzip / KIB, 1), `≤ ${GOAL_WHOLE_KIB}`],
        widths,
      ),
    );
    console.info(row(['whole client, uncompressed', fmt(whole.raw / KIB, 1), ''], widths));

    // --- Time to interactive: an empty bilan and a 10,000-word one, side by side.
    const context = await browser.newContext({ baseURL: relay.url });
    const empty = await newParty(context);
    await createBilan(empty);
    const big = await newParty(await browser.newContext({ baseURL: relay.url }));
    const link = await createBilan(big);
    const parsed = parseLinkFragment(new URL(link).hash);
    if (!parsed.ok) throw new Error(`bench: bad invite link (${parsed.error})`);
    const holder = await spawnSynthesisHolder({
      kind: 'ours',
      url: relay.url,
      room: Buffer.from(parsed.value.key).toString('base64'),
    });
    try {
      await big
        .locator(`[data-testid="word-count-total"][data-words="${holder.words}"]`)
        .waitFor({ timeout: STEP_TIMEOUT_MS });
    } finally {
      await holder.close();
    }
    if (holder.words < TEN_THOUSAND_WORDS) throw new Error(`bench: only ${holder.words} words`);
    // Both bilans need a paragraph in "projet" for the probe to click into.
    await empty
      .getByTestId('synthesis-editor')
      .locator('[data-section="projet"] .ProseMirror')
      .click();
    await empty.keyboard.type('Projet.');

    const samples = {
      empty: { rendered: [] as number[], interactive: [] as number[] },
      big: { rendered: [] as number[], interactive: [] as number[] },
    };
    await reopen(empty, 1, 'warmupa');
    await reopen(big, HOLDER_PARAGRAPHS_PER_SECTION, 'warmupb');
    for (let round = 0; round < ROUNDS; round++) {
      const a = await reopen(empty, 1, `qxe${round}z`);
      samples.empty.rendered.push(a.rendered);
      samples.empty.interactive.push(a.interactive);
      const b = await reopen(big, HOLDER_PARAGRAPHS_PER_SECTION, `qxb${round}z`);
      samples.big.rendered.push(b.rendered);
      samples.big.interactive.push(b.interactive);
    }
    const cols = [40, 10, 10, 10];
    console.info('');
    console.info(row([`workspace reopened (${ROUNDS} rounds, ms)`, 'p50', 'max', 'ratio'], cols));
    for (const metric of ['rendered', 'interactive'] as const) {
      const e = distribution(samples.empty[metric]);
      const b = distribution(samples.big[metric]);
      console.info(row([`${metric}: empty synthesis`, fmt(e.p50, 0), fmt(e.max, 0), '1.00'], cols));
      console.info(
        row(
          [
            `${metric}: ${holder.words.toLocaleString('en-US')} words`,
            fmt(b.p50, 0),
            fmt(b.max, 0),
            fmt(b.p50 / e.p50),
          ],
          cols,
        ),
      );
    }
  } finally {
    await browser.close();
    await relay.close();
  }
}
