import { createDeviceIdentity, ready, signRecord } from '@tandem/crypto';
import { parseLinkFragment } from '@tandem/protocol';
import { openSession, type OpenedSession } from '@tandem/sync';
import { authorClaim, storeAuthorClaim } from '@tandem/workspace';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { expect, test } from '../support/fixtures.ts';
import { createBilan, joinBilan } from '../support/flows.ts';
import { screenshots, section } from '../support/closure.ts';

/**
 * Admission (issue 10): the link is the key, so a stranger who has it can get in. Both
 * parties see it with its fingerprint, its text is highlighted, a rewritten pin is
 * reported and not believed, and the counsellor changes the key: the two parties carry
 * on under the new one, the stranger and the old link are shut out.
 */

const INTRUDER_TEXT = 'Texte glissé par un tiers';
const FINGERPRINT = /[0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4}/;

/** A stranger's client (a modified one: it writes straight into the document). */
async function openIntruder(link: string, relayUrl: string): Promise<OpenedSession> {
  await ready();
  const parsed = parseLinkFragment(new URL(link).hash.slice(1));
  if (!parsed.ok) throw new Error(parsed.error);
  return openSession({
    bilanId: parsed.value.bilanId,
    key: parsed.value.key as never,
    relayUrl,
    createSocket: (url) => new WebSocket(url) as never,
    localCopy: false,
    p2p: false,
  });
}

test('a stranger with the link is exposed and shut out by a change of key', async ({
  browser,
  relay,
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  const link = await createBilan(c);
  await joinBilan(b, link);
  await expect(c.getByTestId('other-fingerprint')).toHaveText(FINGERPRINT);
  // Each side shows the same fingerprint for the other's device as that device shows itself.
  await c.getByTestId('devices-panel').locator('summary').click();
  await b.getByTestId('devices-panel').locator('summary').click();
  await expect(c.getByTestId('other-fingerprint')).toHaveText(
    (await b.getByTestId('own-fingerprint').textContent()) ?? '',
  );
  await expect(b.getByTestId('other-fingerprint')).toHaveText(
    (await c.getByTestId('own-fingerprint').textContent()) ?? '',
  );

  const intruder = await openIntruder(link, relay.url);
  try {
    const doc = intruder.doc;
    await expect.poll(() => doc.getMap('meta').get('beneficiary') ?? null).not.toBeNull();
    // It claims its writes with a key of its own, then writes a paragraph.
    const stranger = createDeviceIdentity();
    const bilanId = doc.getMap('meta').get('bilanId') as string;
    const claim = authorClaim(bilanId, doc.clientID, 'beneficiary', stranger.publicKey)!;
    storeAuthorClaim(doc, claim, signRecord(stranger, claim));
    const paragraph = new Y.XmlElement('paragraph');
    paragraph.insert(0, [new Y.XmlText(INTRUDER_TEXT)]);
    doc.getXmlFragment('synthesis:circonstances').push([paragraph]);

    for (const page of [c, b]) {
      const alert = page.getByTestId('unknown-device');
      await expect(alert).toBeVisible();
      await expect(alert).toContainText(FINGERPRINT);
      await expect(alert).toContainText('surligné');
      const highlighted = section(page, 'circonstances').locator('.author-unknown');
      await expect(highlighted).toHaveText(INTRUDER_TEXT);
      await expect(highlighted).toHaveAttribute('title', /appareil inconnu/);
    }
    await expect(b.getByTestId('exclude-device')).toHaveCount(0);

    // It rewrites the beneficiary's pin with its own key: reported, not believed.
    doc.getMap('meta').set('beneficiary', { name: 'Alex Durand', publicKey: stranger.publicKey });
    for (const page of [c, b]) {
      await expect(page.getByTestId('pin-conflict')).toHaveAttribute('data-role', 'beneficiary');
    }
    await screenshots(c, 'admission-intruder');

    // The counsellor changes the key.
    await c.getByTestId('exclude-device').first().click();
    await screenshots(c, 'admission-rotate-confirm');
    await c.getByTestId('rotate-key-confirm').click();
    await expect(c.getByTestId('app-notice')).toContainText('Nouvelle clé');
    await expect(b.getByTestId('app-notice')).toContainText('a changé la clé');
    await expect(b.getByTestId('synthesis-editor')).toBeVisible();

    // Both parties carry on under the new key; the stranger receives nothing more.
    await section(b, 'projet').click();
    await b.keyboard.type('Après le changement de clé');
    await expect(section(c, 'projet')).toContainText('Après le changement de clé');
    expect(doc.getXmlFragment('synthesis:projet').toString()).not.toContain('changement');
    // The stranger is now shown as excluded; what it wrote stays highlighted.
    for (const page of [c, b]) {
      await expect(page.getByTestId('excluded-device')).toContainText(FINGERPRINT);
      await expect(page.getByTestId('unknown-device')).toHaveCount(0);
      await expect(section(page, 'circonstances').locator('.author-unknown')).toHaveText(
        INTRUDER_TEXT,
      );
    }
    await screenshots(b, 'admission-after-rotation');
    // The invitation now carries the new key.
    if (!(await c.getByTestId('invite-link').isVisible()))
      await c.getByTestId('invite-toggle').click();
    await expect(c.getByTestId('invite-link')).not.toHaveValue(link);
  } finally {
    await intruder.close();
  }

  // The old link is dead: on the beneficiary's device…
  await b.goto(link);
  await expect(b.getByTestId('link-error')).toHaveAttribute('data-code', 'revoked');
  // …and on a device that never had the bilan (it learns it from the counsellor's beacon).
  const late = await browser.newContext({ baseURL: relay.url });
  try {
    const page = await late.newPage();
    await page.goto(link);
    await expect(page.getByTestId('bilan-revoked')).toBeVisible({ timeout: 30_000 });
    await screenshots(page, 'admission-revoked');
    await page.getByTestId('revoked-forget').click();
    await expect(page.getByTestId('new-bilan')).toBeVisible();
  } finally {
    await late.close();
  }
});
