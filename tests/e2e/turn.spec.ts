/**
 * Peer to peer through TURN only, as between two networks that let nothing else through: a
 * real coturn checks the short-lived credential each relay mints in `GET /config`
 * (TURN_SECRET), and both browsers are held to relayed ICE candidates.
 */
import { startRelay } from '@tandem/relay';
import { startTestTurn, type TestTurn } from '@tandem/relay/testing';
import type { BrowserContext, Page } from '@playwright/test';
import { CLIENT_DIR, expect, test as base, type RunningRelay } from '../support/fixtures.ts';
import { createBilan, expectConnection, firstSection, joinBilan } from '../support/flows.ts';

const SECRET = 'e2e-turn-secret-0123456789abcdef0123456789';

/** The relay mints credentials with `mintSecret`: coturn's own, or a wrong one. */
const withTurn = (mintSecret: string) =>
  base.extend<{ relay: RunningRelay }, { turn: TestTurn }>({
    turn: [
      // eslint-disable-next-line no-empty-pattern -- Playwright requires the fixture-object pattern
      async ({}, use) => {
        const turn = await startTestTurn(SECRET);
        await use(turn);
        await turn.stop();
      },
      { scope: 'worker' },
    ],
    relay: async ({ turn }, use) => {
      const relay = await startRelay({
        port: 0,
        host: '127.0.0.1',
        staticDir: CLIENT_DIR,
        turn: {
          secret: mintSecret,
          urls: [`turn:127.0.0.1:${turn.port}?transport=udp`],
          ttlSeconds: 600,
        },
      });
      await use(relay);
      await relay.close();
    },
  });

/**
 * Every RTCPeerConnection of the page uses relayed candidates only (no host or reflexive
 * address reaches the other side), and is kept where the test can read its stats.
 */
async function turnOnly(context: BrowserContext) {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const made: RTCPeerConnection[] = [];
    (window as unknown as { peerConnections: RTCPeerConnection[] }).peerConnections = made;
    class TurnOnly extends Native {
      constructor(config?: RTCConfiguration) {
        super({ ...config, iceTransportPolicy: 'relay' });
        made.push(this);
        const gathered: string[] = [];
        (this as unknown as { gathered: string[] }).gathered = gathered;
        this.addEventListener('icecandidate', (event) => {
          if (event.candidate) gathered.push(event.candidate.type ?? 'unknown');
        });
      }
    }
    window.RTCPeerConnection = TurnOnly;
  });
}

/** The candidate types of the pairs the page's peer connections are actually using. */
function selectedCandidateTypes(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const { peerConnections } = window as unknown as { peerConnections: RTCPeerConnection[] };
    const types: string[] = [];
    for (const pc of peerConnections) {
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const byId = new Map(stats.map((s) => [s['id'], s]));
      for (const pair of stats) {
        if (pair['type'] !== 'candidate-pair' || pair['state'] !== 'succeeded') continue;
        if (!pair['nominated']) continue;
        for (const end of ['localCandidateId', 'remoteCandidateId']) {
          types.push(String(byId.get(pair[end])?.['candidateType']));
        }
      }
    }
    return types;
  });
}

/** Candidates gathered by the page's peer connections once all have finished gathering. */
function gatheredOnceComplete(page: Page): Promise<string[] | null> {
  return page.evaluate(() => {
    const { peerConnections } = window as unknown as {
      peerConnections: (RTCPeerConnection & { gathered: string[] })[];
    };
    if (peerConnections.length === 0) return null;
    if (peerConnections.some((pc) => pc.iceGatheringState !== 'complete')) return null;
    return peerConnections.flatMap((pc) => pc.gathered);
  });
}

async function typeIn(page: Page, text: string) {
  await firstSection(page).click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

withTurn(SECRET)(
  'with TURN only, both browsers connect peer to peer through coturn with the minted credential',
  async ({ counsellor, beneficiary }) => {
    await turnOnly(counsellor.context);
    await turnOnly(beneficiary.context);
    const link = await createBilan(counsellor.page);
    await joinBilan(beneficiary.page, link);
    await expectConnection(counsellor.page, 'p2p');
    await expectConnection(beneficiary.page, 'p2p');
    await expect.poll(() => gatheredOnceComplete(counsellor.page)).toContain('relay');
    await expect.poll(() => selectedCandidateTypes(counsellor.page)).toContain('relay');
    expect(new Set(await selectedCandidateTypes(counsellor.page))).toEqual(new Set(['relay']));

    await typeIn(counsellor.page, 'Par le serveur TURN.');
    await expect(firstSection(beneficiary.page)).toContainText('Par le serveur TURN.');
    await typeIn(beneficiary.page, ' Retour par TURN.');
    await expect(firstSection(counsellor.page)).toContainText('Retour par TURN.');
  },
);

withTurn('not-the-secret-coturn-knows-0123456789abcdef')(
  'with TURN only and a credential coturn refuses, they fall back to the sealed relay path',
  async ({ counsellor, beneficiary }) => {
    await turnOnly(counsellor.context);
    await turnOnly(beneficiary.context);
    const link = await createBilan(counsellor.page);
    await joinBilan(beneficiary.page, link);
    // coturn granted no allocation: gathering ends without a single candidate.
    await expect.poll(() => gatheredOnceComplete(counsellor.page)).toEqual([]);
    await expectConnection(counsellor.page, 'relay');
    await expectConnection(beneficiary.page, 'relay');
    await typeIn(counsellor.page, 'Par le relais scellé.');
    await expect(firstSection(beneficiary.page)).toContainText('Par le relais scellé.');
    expect(await selectedCandidateTypes(counsellor.page)).toEqual([]);
  },
);
