import { startRelay } from '@tandem/relay';
import type { BrowserContext, Page } from '@playwright/test';
import { CLIENT_DIR, expect, test } from '../support/fixtures.ts';
import { createBilan, expectConnection, firstSection, joinBilan } from '../support/flows.ts';

/** Makes direct WebRTC impossible in a context: the page has no RTCPeerConnection at all. */
async function withoutWebRTC(context: BrowserContext) {
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel']) {
      Reflect.deleteProperty(window, name);
    }
  });
}

async function typeIn(page: Page, text: string) {
  const section = firstSection(page);
  await section.click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

/** The section's text without the other party's caret label (rendered inside the editor). */
function documentText(page: Page): Promise<string> {
  return firstSection(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('[class*="collaboration-carets"]').forEach((caret) => caret.remove());
    return copy.textContent ?? '';
  });
}

test('two contexts sync peer to peer, status p2p', async ({ counsellor, beneficiary }) => {
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);
  await expectConnection(counsellor.page, 'p2p');
  await expectConnection(beneficiary.page, 'p2p');

  await typeIn(counsellor.page, 'Demande initiale : reconversion.');
  await expect
    .poll(() => documentText(beneficiary.page))
    .toContain('Demande initiale : reconversion.');
  await typeIn(beneficiary.page, ' Vu par la bénéficiaire.');
  await expect.poll(() => documentText(counsellor.page)).toContain('Vu par la bénéficiaire.');
});

test('without WebRTC in one browser they sync through the sealed relay, status relay', async ({
  counsellor,
  beneficiary,
}) => {
  await withoutWebRTC(beneficiary.context);
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);
  await expectConnection(beneficiary.page, 'relay');
  await expectConnection(counsellor.page, 'relay');
  await typeIn(counsellor.page, 'Passe par le relais.');
  await expect.poll(() => documentText(beneficiary.page)).toContain('Passe par le relais.');
  await typeIn(beneficiary.page, ' Retour par le relais.');
  await expect.poll(() => documentText(counsellor.page)).toContain('Retour par le relais.');
});

test('relay killed and restarted mid-session: both reconnect and converge', async ({
  relay,
  counsellor,
  beneficiary,
}) => {
  await withoutWebRTC(counsellor.context);
  await withoutWebRTC(beneficiary.context);
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);
  await expectConnection(beneficiary.page, 'relay');
  await typeIn(counsellor.page, 'Avant la coupure.');
  await expect.poll(() => documentText(beneficiary.page)).toContain('Avant la coupure.');

  await relay.close();
  await expect(counsellor.page.getByTestId('connection-status')).not.toHaveAttribute(
    'data-state',
    'relay',
  );
  await typeIn(counsellor.page, ' Pendant (conseillère).');
  await typeIn(beneficiary.page, ' Pendant (bénéficiaire).');

  const restarted = await startRelay({
    port: relay.port,
    host: '127.0.0.1',
    staticDir: CLIENT_DIR,
  });
  try {
    await expectConnection(counsellor.page, 'relay');
    await expectConnection(beneficiary.page, 'relay');
    for (const page of [counsellor.page, beneficiary.page]) {
      await expect.poll(() => documentText(page)).toContain('Pendant (conseillère).');
      await expect.poll(() => documentText(page)).toContain('Pendant (bénéficiaire).');
    }
    expect(await documentText(counsellor.page)).toBe(await documentText(beneficiary.page));
  } finally {
    await restarted.close();
  }
});

test('one side offline, both edit, reconnect: they converge', async ({
  counsellor,
  beneficiary,
}) => {
  await withoutWebRTC(counsellor.context);
  await withoutWebRTC(beneficiary.context);
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);
  await expectConnection(beneficiary.page, 'relay');

  await beneficiary.context.setOffline(true);
  await expectConnection(beneficiary.page, 'offline');
  await typeIn(beneficiary.page, 'Écrit hors ligne.');
  await typeIn(counsellor.page, 'Écrit en ligne.');
  await beneficiary.context.setOffline(false);
  await expectConnection(beneficiary.page, 'relay');
  for (const page of [counsellor.page, beneficiary.page]) {
    await expect.poll(() => documentText(page)).toContain('Écrit hors ligne.');
    await expect.poll(() => documentText(page)).toContain('Écrit en ligne.');
  }
});

test('reload: the content is back from the local copy before any network', async ({
  counsellor,
  beneficiary,
}) => {
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);
  await typeIn(counsellor.page, 'Gardé sur cet appareil.');
  await expect.poll(() => documentText(beneficiary.page)).toContain('Gardé sur cet appareil.');

  // No relay at all for the reloaded page: signaling and the sealed path are refused.
  await beneficiary.page.routeWebSocket(/\/signal/, (ws) => ws.close());
  await beneficiary.page.reload();
  await expect.poll(() => documentText(beneficiary.page)).toContain('Gardé sur cet appareil.');
  await expect(beneficiary.page.getByTestId('connection-status')).not.toHaveAttribute(
    'data-state',
    /p2p|relay/,
  );
});
