/**
 * Keystroke benchmark: a key pressed in one browser context → the character in the other
 * context's synthesis editor DOM, over P2P and over the sealed relay path, side by side
 * in one run (both pairs open at once, taking turns in short rounds).
 *
 * One Chromium, four contexts (two bilans), against our relay in a child process serving
 * the built client. In the relay pair, RTCPeerConnection is removed in the beneficiary's
 * context, so that pair can only sync through the relay (status `relay` on both sides).
 *
 * Clock: the sender page stamps Date.now() in a capture-phase keydown listener on
 * window, before the editor sees the key; the receiving page stamps Date.now() in a
 * MutationObserver on the section when the character appears (the other party's caret
 * label is not counted as text). Both are the same machine's wall clock, read in two
 * renderer processes, with 1 ms resolution. Directions alternate (counsellor types in
 * one section, beneficiary in another); one keystroke in flight, PACE_MS apart.
 *
 * Goal: p50 ≤ 25 ms, p95 ≤ 50 ms on each path.
 */
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- plain ESM helper shared with the Playwright config, no types needed
import { chromiumExecutable } from '../../scripts/find-chromium.mjs';
import { createBilan, expectConnection, joinBilan } from '../support/flows.ts';
import { spawnTandemRelay, type BenchServer } from './bench-servers.ts';
import { distribution, fmt, row, sleep, type Distribution } from './bench-stats.ts';

const WARMUP_KEYSTROKES = 20;
const ROUNDS = 8;
const KEYSTROKES_PER_ROUND = 25;
/** Idle time between keystrokes (a fast typist is ~100 ms; shorter keeps the run brief). */
const PACE_MS = 40;
const KEYSTROKE_TIMEOUT_MS = 5_000;
const SETUP_TIMEOUT_MS = 60_000;
const GOAL_P50_MS = 25;
const GOAL_P95_MS = 50;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** The built client: `pnpm build` output, or TANDEM_CLIENT_DIR (e.g. a private build). */
const CLIENT_DIR =
  process.env['TANDEM_CLIENT_DIR'] ?? fileURLToPath(new URL('../../dist/client', import.meta.url));

type SectionId = 'circonstances' | 'competences' | 'projet';

/**
 * In-page probe, as source text: tsx would add helpers to a serialised function that do
 * not exist in the page (and the client's CSP forbids eval, so no string predicates).
 * `arm(section)` makes `seen` a promise of the Date.now() at which that section's text
 * has grown by one character.
 */
const PROBE_SOURCE = `(() => {
  const probe = { keydownAt: 0, seen: null };
  window.addEventListener('keydown', () => { probe.keydownAt = Date.now(); }, { capture: true });
  const textLength = (element) => {
    let length = 0;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement || !node.parentElement.closest('.collaboration-carets__caret')) {
        length += node.data.length;
      }
    }
    return length;
  };
  let observer = null;
  probe.arm = (section, timeoutMs) => {
    const element = document.querySelector(
      '[data-testid="synthesis-editor"] [data-section="' + section + '"] .ProseMirror',
    );
    if (!element) throw new Error('no editor for section ' + section);
    const expected = textLength(element) + 1;
    if (observer) observer.disconnect();
    probe.seen = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        observer.disconnect();
        reject(new Error('the character did not arrive within ' + timeoutMs + ' ms'));
      }, timeoutMs);
      observer = new MutationObserver(() => {
        if (textLength(element) < expected) return;
        const seenAt = Date.now();
        observer.disconnect();
        clearTimeout(timer);
        resolve(seenAt);
      });
      observer.observe(element, { subtree: true, childList: true, characterData: true });
    });
    // Keep an unawaited rejection from being reported before the bench awaits it.
    probe.seen.catch(() => {});
  };
  window.__tandemBench = probe;
})()`;

interface Party {
  readonly page: Page;
  /** The section this party types in. */
  readonly section: SectionId;
}

interface Pair {
  readonly label: string;
  readonly counsellor: Party;
  readonly beneficiary: Party;
  readonly samples: number[];
  typed: number;
}

const editorOf = (page: Page, section: SectionId) =>
  page.getByTestId('synthesis-editor').locator(`[data-section="${section}"] .ProseMirror`);

async function openPair(
  browser: Browser,
  contexts: BrowserContext[],
  relayUrl: string,
  path: 'p2p' | 'relay',
): Promise<Pair> {
  const open = async (withoutWebRTC: boolean) => {
    const context = await browser.newContext({
      baseURL: relayUrl,
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    context.setDefaultTimeout(SETUP_TIMEOUT_MS);
    if (withoutWebRTC) {
      await context.addInitScript({
        content: 'delete window.RTCPeerConnection; delete window.webkitRTCPeerConnection;',
      });
    }
    return context.newPage();
  };
  const counsellor = await open(false);
  const beneficiary = await open(path === 'relay');
  const link = await createBilan(counsellor);
  await joinBilan(beneficiary, link);
  for (const page of [counsellor, beneficiary]) {
    await expectConnection(page, path);
    await page.getByTestId('presence-other').and(page.locator('[data-online="true"]')).waitFor();
    await page.evaluate(PROBE_SOURCE);
  }
  await editorOf(counsellor, 'circonstances').click();
  await editorOf(beneficiary, 'projet').click();
  return {
    label: path === 'p2p' ? 'P2P (WebRTC)' : 'relay (sealed)',
    counsellor: { page: counsellor, section: 'circonstances' },
    beneficiary: { page: beneficiary, section: 'projet' },
    samples: [],
    typed: 0,
  };
}

/** One key in `from`'s section; ms from its keydown to the character in `to`'s DOM. */
async function keystroke(from: Party, to: Party, key: string): Promise<number> {
  await to.page.evaluate(
    `window.__tandemBench.arm(${JSON.stringify(from.section)}, ${KEYSTROKE_TIMEOUT_MS})`,
  );
  await from.page.evaluate('window.__tandemBench.keydownAt = 0');
  await from.page.keyboard.press(key);
  const seenAt = Number(await to.page.evaluate('window.__tandemBench.seen'));
  const keydownAt = Number(await from.page.evaluate('window.__tandemBench.keydownAt'));
  if (!keydownAt) throw new Error('the keydown was not seen in the sender page');
  return seenAt - keydownAt;
}

async function typeRound(pair: Pair, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++, pair.typed++) {
    const forward = pair.typed % 2 === 0;
    const [from, to] = forward
      ? [pair.counsellor, pair.beneficiary]
      : [pair.beneficiary, pair.counsellor];
    into.push(await keystroke(from, to, LETTERS[pair.typed % LETTERS.length]!));
    await sleep(PACE_MS);
  }
}

function verdict(d: Distribution): string {
  const met = d.p50 <= GOAL_P50_MS && d.p95 <= GOAL_P95_MS;
  return met ? 'met' : 'NOT MET';
}

export async function run(): Promise<void> {
  if (!existsSync(join(CLIENT_DIR, 'index.html'))) {
    throw new Error(`no built client in ${CLIENT_DIR}: run \`pnpm build\` first`);
  }
  const executablePath = chromiumExecutable() as string | undefined;
  let relay: BenchServer | null = null;
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  try {
    relay = await spawnTandemRelay(CLIENT_DIR);
    browser = await chromium.launch({
      ...(executablePath ? { executablePath } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-dev-shm-usage'],
    });
    const pairs = [
      await openPair(browser, contexts, relay.url, 'p2p'),
      await openPair(browser, contexts, relay.url, 'relay'),
    ];
    console.info(
      `relay pid ${relay.pid} serving ${CLIENT_DIR}; Chromium ${browser.version()}, 4 contexts`,
    );
    for (const pair of pairs) await typeRound(pair, WARMUP_KEYSTROKES, []);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? pairs : [...pairs].reverse();
      for (const pair of order) await typeRound(pair, KEYSTROKES_PER_ROUND, pair.samples);
    }

    const widths = [18, 9, 9, 9, 9, 9, 9, 10];
    console.info(
      `\nkeystroke: key in one context → character in the other's synthesis-editor DOM` +
        ` (${WARMUP_KEYSTROKES} warm-up, then ${ROUNDS} alternating rounds of ${KEYSTROKES_PER_ROUND}, ${PACE_MS} ms apart; Date.now(), 1 ms resolution)`,
    );
    console.info(
      row(['path', 'samples', 'min ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'goal'], widths),
    );
    const results = pairs.map((pair) => [pair.label, distribution(pair.samples)] as const);
    for (const [label, d] of results) {
      const cells = [d.min, d.p50, d.p95, d.p99, d.max].map((ms) => fmt(ms, 0));
      console.info(row([label, String(d.count), ...cells, verdict(d)], widths));
    }
    console.info(
      `  goal: p50 ≤ ${GOAL_P50_MS} ms and p95 ≤ ${GOAL_P95_MS} ms per path;` +
        ` p50 relay / P2P: ${fmt(results[1]![1].p50 / results[0]![1].p50)}×`,
    );
  } finally {
    await Promise.all(contexts.map((context) => context.close().catch(() => {})));
    await browser?.close();
    await relay?.close();
  }
}
