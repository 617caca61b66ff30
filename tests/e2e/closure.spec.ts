import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createDeviceIdentity, createSignedRecord, ready, signRecord } from '@tandem/crypto';
import {
  encodeRecord,
  encodeSignedRecord,
  parseLinkFragment,
  type DestroyOrder,
} from '@tandem/protocol';
import { openSession } from '@tandem/sync';
import WebSocket from 'ws';
import type { BrowserContext, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.ts';
import { createBilan, joinBilan } from '../support/flows.ts';
import {
  download,
  pdfText,
  renderPdfPage,
  scanIndexedDb,
  screenshots,
  section,
  toConclusion,
  unzipEntry,
  writeInSection,
} from '../support/closure.ts';

/**
 * The end of a bilan, in two browser contexts over the real relay: validation, consents,
 * exports (PDF, DOCX, Markdown, .ics, encrypted backup and its re-import), the shared
 * destroy from either side (online, offline, page closed), the retention deadline with a
 * faked clock, and forged destroy orders.
 */

const MARKER = 'Phrase-témoin : reconversion en ébénisterie d’art à Lyon';
const PASSPHRASE = 'cheval agrafe correct 42';

/** No RTCPeerConnection in this context: only the relay path is left. */
async function withoutWebRTC(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCDataChannel']) {
      Reflect.deleteProperty(window, name);
    }
  });
}

async function openClosure(page: Page): Promise<void> {
  await page.getByTestId('tab-closure').click();
  await expect(page.getByTestId('closure')).toBeVisible();
}

/** Both parties in the bilan, the marker written by the counsellor and seen by both. */
async function startBilan(c: Page, b: Page): Promise<string> {
  const link = await createBilan(c);
  await joinBilan(b, link);
  await writeInSection(c, 'projet', MARKER);
  await expect(section(b, 'projet')).toContainText(MARKER);
  return link;
}

async function expectMarkerStored(page: Page): Promise<void> {
  await expect
    .poll(async () => (await scanIndexedDb(page, MARKER)).found.length)
    .toBeGreaterThan(0);
}

async function expectNoMarkerStored(page: Page): Promise<void> {
  const scan = await scanIndexedDb(page, MARKER);
  expect(scan.databases.length).toBeGreaterThan(0);
  expect(scan.found).toEqual([]);
}

/**
 * The destroyed screen shows as soon as the content leaves the screen and says the wipe is
 * under way; once its status says the wipe is done, nothing may be left in IndexedDB.
 */
async function expectWiped(page: Page): Promise<void> {
  const progress = page.getByTestId('destroy-progress');
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
  await expect(progress).toHaveText('Sa copie partagée a été effacée de cet appareil.');
  await expectNoMarkerStored(page);
}

async function goHome(page: Page): Promise<void> {
  await page.getByTestId('destroyed-home').click();
  await expect(page.getByTestId('new-bilan')).toBeVisible();
}

test('the beneficiary validates, consents, exports every format, and re-imports the backup', async ({
  counsellor,
  beneficiary,
  browser,
  relay,
}, testInfo) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  await startBilan(c, b);
  await toConclusion(c, b);
  await b.getByTestId('tab-action-plan').click();
  await b.getByTestId('action-plan-add').click();
  await b.getByTestId('row-objective').first().fill('Financer la formation');
  await b.getByTestId('row-objective').first().blur();
  await b.getByTestId('tab-synthesis').click();
  await b.getByTestId('observation-text').fill('Je préfère « reconversion ».');
  await b.getByTestId('observation-add').click();

  // Validation: signed by the beneficiary, final on both sides; an edit makes it stale.
  await openClosure(b);
  await openClosure(c);
  await expect(c.getByTestId('validate-synthesis')).toHaveCount(0);
  await b.getByTestId('validate-synthesis').click();
  for (const page of [b, c]) {
    await expect(page.getByTestId('validation-status')).toHaveAttribute('data-state', 'valid');
    await expect(page.getByTestId('validation-badge')).toHaveAttribute('data-state', 'valid');
  }
  await c.getByTestId('tab-synthesis').click();
  await writeInSection(c, 'competences', ' Ajout après validation.');
  for (const page of [b, c]) {
    await expect(page.getByTestId('validation-badge')).toHaveAttribute('data-state', 'stale');
  }
  await expect(b.getByTestId('validation-status')).toContainText('plus finale');
  await b.getByTestId('validate-synthesis').click();
  await expect(c.getByTestId('validation-badge')).toHaveAttribute('data-state', 'valid');

  // Consents: signed by the beneficiary, shown to both, revocable.
  await b.getByTestId('consent-retention-grant').click();
  await b.getByTestId('consent-third-party-name').fill('France Travail — agence de Lyon');
  await b.getByTestId('consent-third-party-grant').click();
  await c.getByTestId('tab-closure').click();
  const sharing = c.locator('[data-testid="consent-item"][data-topic="third-party-sharing"]');
  await expect(sharing).toHaveAttribute('data-active', 'true');
  await expect(sharing).toContainText('France Travail — agence de Lyon');
  await expect(c.locator('[data-testid="consent-item"][data-topic="retention"]')).toHaveAttribute(
    'data-active',
    'true',
  );
  await b
    .locator('[data-testid="consent-item"][data-topic="third-party-sharing"]')
    .getByTestId('consent-revoke')
    .click();
  await expect(sharing).toHaveAttribute('data-active', 'false');
  await expect(c.getByTestId('consent-revoke')).toHaveCount(0);

  // The counsellor ends the bilan: with the retention consent, the copy stays until then.
  await c.getByTestId('end-bilan').click();
  await c.getByTestId('end-bilan-confirm').click();
  await expect(b.getByTestId('bilan-ended')).toBeVisible();
  await expect(b.getByTestId('retention-deadline')).toBeVisible();
  await screenshots(b, 'closure-beneficiary');
  await screenshots(c, 'closure-counsellor');

  // Satisfaction à chaud: answered by the beneficiary, seen as answered by the counsellor.
  for (const q of ['overall', 'expectations', 'methods', 'counsellor', 'recommend']) {
    await b.getByTestId(`survey-a-chaud-${q}-4`).check();
  }
  await b.getByTestId('survey-a-chaud-submit').click();
  await expect(c.getByTestId('survey-a-chaud')).toHaveAttribute('data-answered', 'true');

  // PDF: text extracted, first page rendered to look at.
  const pdf = await download(b, 'export-pdf', testInfo, 'synthese.pdf');
  const text = pdfText(pdf);
  expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
  for (const expected of [
    'Document de synthèse du bilan de compétences',
    '1. Circonstances du bilan',
    '2. Compétences et aptitudes',
    '3. Projet',
    'Plan d’action',
    'Financer la formation',
    'Document confidentiel',
    'Version finale, validée',
    'Alex Durand',
  ]) {
    expect(text).toContain(expected);
  }
  expect(text.replace(/\s+/g, ' ')).toContain(MARKER);
  renderPdfPage(pdf, 'closure-pdf-page1');

  // DOCX: a zip whose document.xml holds the text.
  const docx = await download(b, 'export-docx', testInfo, 'synthese.docx');
  const documentXml = unzipEntry(docx, 'word/document.xml');
  expect(documentXml).toContain(MARKER);
  expect(documentXml).toContain('Financer la formation');
  expect(unzipEntry(docx, '_rels/.rels')).toContain('word/document.xml');
  expect(execFileSync('unzip', ['-Z1', docx], { encoding: 'utf8' })).toContain(
    '[Content_Types].xml',
  );

  // Markdown.
  const markdown = readFileSync(
    await download(b, 'export-markdown', testInfo, 'synthese.md'),
    'utf8',
  );
  expect(markdown).toContain('# Document de synthèse du bilan de compétences');
  expect(markdown).toContain('## 3. Projet');
  expect(markdown).toContain(MARKER);

  // The follow-up interview, 6 months after the end.
  const endedAt = Number(await b.getByTestId('bilan-ended').getAttribute('data-at'));
  const ics = readFileSync(await download(b, 'export-ics', testInfo, 'suivi.ics'), 'utf8');
  expect(ics).toContain('BEGIN:VEVENT');
  const start = /DTSTART;VALUE=DATE:(\d{4})(\d{2})(\d{2})/.exec(ics);
  expect(start).not.toBeNull();
  const followUp = Date.UTC(Number(start![1]), Number(start![2]) - 1, Number(start![3]));
  const days = (followUp - endedAt) / 86_400_000;
  expect(days).toBeGreaterThan(178);
  expect(days).toBeLessThan(186);

  // Encrypted backup: no marker in the file; re-imported on a fresh device.
  await b.getByTestId('backup-passphrase').fill(PASSPHRASE);
  await b.getByTestId('backup-passphrase-confirm').fill(PASSPHRASE);
  const backup = await download(b, 'backup-create', testInfo, 'sauvegarde.tandem');
  expect(readFileSync(backup).includes(Buffer.from(MARKER))).toBe(false);

  const fresh = await browser.newContext({ baseURL: relay.url });
  try {
    const page = await fresh.newPage();
    await page.goto('/');
    await page.getByTestId('backup-import').locator('summary').click();
    await page.getByTestId('backup-import-file').setInputFiles(backup);
    await page.getByTestId('backup-import-passphrase').fill('pas la bonne phrase');
    await page.getByTestId('backup-import-submit').click();
    await expect(page.getByTestId('backup-import-error')).toContainText(
      'Phrase de passe incorrecte',
    );
    const tampered = testInfo.outputPath('tampered.tandem');
    const bytes = readFileSync(backup);
    bytes[bytes.length - 10]! ^= 0x01;
    writeFileSync(tampered, bytes);
    await page.getByTestId('backup-import-file').setInputFiles(tampered);
    await page.getByTestId('backup-import-passphrase').fill(PASSPHRASE);
    await page.getByTestId('backup-import-submit').click();
    await expect(page.getByTestId('backup-import-error')).toContainText('fichier modifié');
    await page.getByTestId('backup-import-file').setInputFiles(backup);
    await page.getByTestId('backup-import-passphrase').fill(PASSPHRASE);
    await page.getByTestId('backup-import-submit').click();
    await expect(page.getByTestId('personal-copy')).toHaveCount(1);
    await page.getByTestId('personal-copy-open').click();
    await expect(page.getByTestId('personal-copy-view')).toContainText(MARKER);
    await expect(page.getByTestId('personal-copy-view')).toContainText('Version finale');
    await screenshots(page, 'closure-imported-copy');
    // English is available on every closure screen.
    await page.locator('#lang-select').selectOption('en');
    await expect(page.getByTestId('copy-close')).toHaveText('Close the copy');
    await screenshots(page, 'closure-imported-copy-en');
  } finally {
    await fresh.close();
  }
});

test('the counsellor destroys: both copies wiped, the copy and the evidence remain', async ({
  counsellor,
  beneficiary,
}, testInfo) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  await startBilan(c, b);
  await expectMarkerStored(c);
  await expectMarkerStored(b);

  await openClosure(c);
  await c.getByTestId('destroy').click();
  await expect(c.getByTestId('destroy-step')).toBeVisible();
  await screenshots(c, 'closure-destroy-confirm');
  await c.getByTestId('destroy-confirm').click();

  for (const page of [c, b]) {
    await expect(page.getByTestId('bilan-destroyed')).toBeVisible();
    await expect(page.getByTestId('synthesis-editor')).toHaveCount(0);
    await expect(page.locator('body')).not.toContainText(MARKER);
  }
  await expect(c.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'self');
  await expect(b.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'other');
  await expect(b.getByTestId('destroyed-copy')).toContainText('copie personnelle est conservée');
  await screenshots(b, 'closure-destroyed-beneficiary');
  await expectWiped(c);
  await expectWiped(b);

  // The beneficiary's personal copy is theirs, and opens.
  await goHome(b);
  await expect(b.getByTestId('bilan-item')).toHaveCount(0);
  await expect(b.getByTestId('personal-copy')).toHaveCount(1);
  await b.getByTestId('personal-copy-open').click();
  await expect(b.getByTestId('personal-copy-view')).toContainText(MARKER);
  await screenshots(b, 'closure-home-copy');
  await b.getByTestId('copy-close').click();
  // Theirs to delete, after a confirmation.
  await b.getByTestId('personal-copy-remove').click();
  await b.getByTestId('personal-copy-remove-confirm').click();
  await expect(b.getByTestId('personal-copy')).toHaveCount(0);

  // The counsellor keeps the evidence record only, and exports it.
  await goHome(c);
  await expect(c.getByTestId('bilan-item')).toHaveCount(0);
  await expect(c.getByTestId('evidence-record')).toHaveCount(1);
  const evidence = await download(c, 'evidence-export', testInfo, 'preuve.pdf');
  const evidenceText = pdfText(evidence);
  expect(evidenceText).toContain('Alex Durand');
  expect(evidenceText).not.toContain('ébénisterie');
  await screenshots(c, 'closure-home-evidence');
  await expectNoMarkerStored(c);
});

test('a wipe that fails says so on the destroyed screen, and the retry finishes it', async ({
  counsellor,
}) => {
  const c = counsellor.page;
  // The browser's storage refuses to delete the bilan's database while the flag is set.
  await counsellor.context.addInitScript(() => {
    const flags = window as unknown as { failWipes?: number };
    const deleteDatabase = IDBFactory.prototype.deleteDatabase;
    IDBFactory.prototype.deleteDatabase = function (name: string) {
      if ((flags.failWipes ?? 0) > 0 && name.startsWith('tandem-bilan-')) {
        flags.failWipes! -= 1;
        throw new DOMException('storage refused the deletion', 'UnknownError');
      }
      return deleteDatabase.call(this, name);
    };
  });
  await createBilan(c);
  await writeInSection(c, 'projet', MARKER);
  await expectMarkerStored(c);

  await openClosure(c);
  await c.getByTestId('destroy').click();
  await c.evaluate(() => ((window as unknown as { failWipes?: number }).failWipes = 1));
  await c.getByTestId('destroy-confirm').click();
  await expect(c.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'self');
  await expect(c.getByTestId('destroy-progress')).toHaveAttribute('data-state', 'failed');
  await expect(c.getByTestId('destroy-wipe-failed')).toContainText('Réessayez');
  await expect(c.locator('body')).not.toContainText(MARKER);
  // Not wiped, and not said to be: the copy is still on the device until the retry.
  await expectMarkerStored(c);
  await screenshots(c, 'closure-wipe-failed');

  await c.getByTestId('destroy-wipe-retry').click();
  // The button goes while the wipe runs again; focus stays on what tells how it went.
  await expect(c.getByTestId('destroy-progress')).toBeFocused();
  await expectWiped(c);
  await expect(c.getByTestId('destroy-wipe-failed')).toHaveCount(0);
  await goHome(c);
  await expect(c.getByTestId('bilan-item')).toHaveCount(0);
  await expect(c.getByTestId('evidence-record')).toHaveCount(1);
});

test('the beneficiary destroys while the counsellor is offline; it wipes when back', async ({
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  // Offline emulation does not cut an established WebRTC link: the counsellor uses the relay.
  await withoutWebRTC(counsellor.context);
  await startBilan(c, b);
  await expect(c.getByTestId('connection-status')).toHaveAttribute('data-state', 'relay');
  await counsellor.context.setOffline(true);
  await expect(c.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');

  await openClosure(b);
  await b.getByTestId('destroy').click();
  await expect(b.getByTestId('keep-copy')).toBeChecked();
  await screenshots(b, 'closure-destroy-confirm-beneficiary');
  await b.getByTestId('destroy-confirm').click();
  await expect(b.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'self');
  await expectWiped(b);

  // Offline, the counsellor still has the bilan; back online, the order arrives and is obeyed.
  await expect(section(c, 'projet')).toContainText(MARKER);
  await counsellor.context.setOffline(false);
  await expect(c.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'other', {
    timeout: 45_000,
  });
  await expectWiped(c);
  await goHome(c);
  await expect(c.getByTestId('evidence-record')).toHaveCount(1);
  await goHome(b).catch(async () => {
    await b.goto('/');
  });
  await expect(b.getByTestId('personal-copy')).toHaveCount(1);
});

test('the page of the other party was closed during the destroy; it wipes when reopened', async ({
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  await startBilan(c, beneficiary.page);
  await beneficiary.page.close();

  await openClosure(c);
  await c.getByTestId('destroy').click();
  await c.getByTestId('destroy-confirm').click();
  await expect(c.getByTestId('bilan-destroyed')).toBeVisible();

  const b = await beneficiary.context.newPage();
  await b.goto('/');
  await b
    .getByTestId('bilan-item')
    .getByRole('button', { name: /Ouvrir/ })
    .click();
  await expect(b.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'other', {
    timeout: 45_000,
  });
  await expectWiped(b);
  await goHome(b);
  await expect(b.getByTestId('personal-copy')).toHaveCount(1);
});

test('each device destroys its copy by itself once the retention deadline has passed', async ({
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  await startBilan(c, b);
  await toConclusion(c, b);
  await openClosure(b);
  // Kept by the provider for ten days after today, with the beneficiary's consent.
  const deadline = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  await b.getByTestId('consent-retention-deadline').fill(deadline);
  await b.getByTestId('consent-retention-grant').click();
  await openClosure(c);
  await expect(c.locator('[data-testid="consent-item"][data-topic="retention"]')).toHaveAttribute(
    'data-active',
    'true',
  );
  await c.getByTestId('end-bilan').click();
  await c.getByTestId('end-bilan-confirm').click();
  await expect(b.getByTestId('retention-deadline')).toBeVisible();
  const at = Number(await b.getByTestId('retention-deadline').getAttribute('data-at'));
  expect(at).toBeGreaterThan(Date.now());
  // Let the home summary (deadline included) reach the beneficiary's keystore, then leave.
  await b.getByRole('button', { name: /Tandem/ }).click();
  await expect(b.getByTestId('bilan-item')).toHaveCount(1);
  await b.close();

  // Eleven days later on the counsellor's open page: the timer destroys the shared copy.
  await c.clock.setFixedTime(at + 86_400_000);
  await expect(c.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'retention', {
    timeout: 30_000,
  });
  await expectWiped(c);

  // The beneficiary, never back online with the counsellor, opens the app later: purged at start.
  await beneficiary.context.clock.setFixedTime(at + 86_400_000);
  const later = await beneficiary.context.newPage();
  await later.goto('/');
  await expect(later.getByTestId('personal-copy')).toHaveCount(1, { timeout: 30_000 });
  await expect(later.getByTestId('bilan-item')).toHaveCount(0);
  await expectNoMarkerStored(later);
  await later.getByTestId('personal-copy-open').click();
  await expect(later.getByTestId('personal-copy-view')).toContainText(MARKER);
});

test('ending the bilan without a retention consent destroys the shared copy on both sides', async ({
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  await startBilan(c, b);
  await toConclusion(c, b);
  await openClosure(c);
  await c.getByTestId('end-bilan').click();
  await c.getByTestId('end-bilan-confirm').click();
  for (const page of [c, b]) {
    await expect(page.getByTestId('bilan-destroyed')).toHaveAttribute('data-by', 'retention', {
      timeout: 30_000,
    });
    await expectWiped(page);
  }
  await goHome(b);
  await expect(b.getByTestId('personal-copy')).toHaveCount(1);
  await goHome(c);
  await expect(c.getByTestId('evidence-record')).toHaveCount(1);
});

test('a forged destroy order is ignored and shown as an alert', async ({
  counsellor,
  beneficiary,
  relay,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  const link = await startBilan(c, b);

  // A third device that has the link (it can reach the topic and write into the document)
  // but not a party's key: its orders are signed by a key of its own.
  await ready();
  const parsed = parseLinkFragment(new URL(link).hash.slice(1));
  if (!parsed.ok) throw new Error(parsed.error);
  const { bilanId } = parsed.value;
  const intruder = await openSession({
    bilanId,
    key: parsed.value.key as never,
    relayUrl: relay.url,
    createSocket: (url) => new WebSocket(url) as never,
    localCopy: false,
    p2p: false,
  });
  try {
    await expect
      .poll(() => (intruder.doc.getMap('meta').get('counsellor') as object | undefined) ?? null)
      .not.toBeNull();
    const pinned = intruder.doc.getMap('meta').get('counsellor') as { publicKey: Uint8Array };
    const fresh = createDeviceIdentity();
    const order = (signerKey: Uint8Array): DestroyOrder => ({
      kind: 'destroy-order',
      bilanId,
      at: Date.now(),
      reason: 'manual',
      signerRole: 'counsellor',
      signerKey,
    });
    // Signed by a fresh key claiming to be the counsellor: unknown key.
    const unknownKey = createSignedRecord(fresh, order(fresh.publicKey));
    // Claims the counsellor's pinned key, signed by another: forged signature.
    const forged = encodeSignedRecord(
      encodeRecord(order(pinned.publicKey)),
      signRecord(fresh, order(fresh.publicKey)),
    );
    intruder.announceTombstone(unknownKey);
    intruder.announceTombstone(forged);
    intruder.doc.getArray('tombstone').push([forged]);

    for (const page of [c, b]) {
      await expect(page.getByTestId('forged-tombstone')).toBeVisible();
      await expect(page.getByTestId('bilan-destroyed')).toHaveCount(0);
      await expect(section(page, 'projet')).toContainText(MARKER);
    }
    await screenshots(b, 'closure-forged-alert');
    await expectMarkerStored(c);
    await expectMarkerStored(b);
  } finally {
    await intruder.close();
  }
});
