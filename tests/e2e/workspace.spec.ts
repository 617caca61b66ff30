import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.ts';
import { createBilan, joinBilan } from '../support/flows.ts';

/**
 * The bilan workspace end to end, in two separate browser contexts over the real relay:
 * create → invite → join, co-writing one synthesis section at once, the action plan,
 * observations and phase, reload, offline editing, bad links and a third device.
 * Screenshots of every screen at 480 px and 1280 px go to tests/artifacts/screens/.
 */

const SCREENS_DIR = fileURLToPath(new URL('../artifacts/screens/', import.meta.url));
mkdirSync(SCREENS_DIR, { recursive: true });

async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [480, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SCREENS_DIR}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(original);
}

function section(page: Page, id: 'circonstances' | 'competences' | 'projet'): Locator {
  return page.getByTestId('synthesis-editor').locator(`[data-section="${id}"] .ProseMirror`);
}

/** A section's text as stored, without the other party's caret label. */
async function sectionText(page: Page, id: 'circonstances' | 'competences' | 'projet') {
  return section(page, id).evaluate((element) => {
    const clone = element.cloneNode(true) as HTMLElement;
    clone.querySelectorAll('.collaboration-carets__caret').forEach((caret) => caret.remove());
    return [...clone.children].map((block) => block.textContent ?? '').join('\n');
  });
}

/** True if every character of `typed` is in `text`, as many times as typed. */
function containsAll(text: string, typed: string): boolean {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  for (const char of typed) {
    const left = counts.get(char) ?? 0;
    if (left === 0) return false;
    counts.set(char, left - 1);
  }
  return true;
}

async function rowObjectives(page: Page): Promise<string[]> {
  return page
    .getByTestId('row-objective')
    .evaluateAll((fields) => fields.map((field) => (field as HTMLTextAreaElement).value));
}

async function goHome(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Tandem/ }).click();
  await expect(page.getByTestId('new-bilan')).toBeVisible();
}

test('create, invite, join, co-write the synthesis and the action plan, reload', async ({
  counsellor,
  beneficiary,
  relay,
}) => {
  const c = counsellor.page;
  const b = beneficiary.page;
  // Nothing leaves for a third party, and nothing trips the strict CSP.
  const foreignRequests: string[] = [];
  const cspViolations: string[] = [];
  for (const page of [c, b]) {
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol.startsWith('http') && url.origin !== relay.url)
        foreignRequests.push(url.href);
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }

  await c.goto('/');
  await expect(c.getByTestId('home-empty')).toBeVisible();
  await expect(c.locator('html')).toHaveAttribute('lang', 'fr');
  await screenshots(c, 'home-empty');
  await c.getByTestId('new-bilan').click();
  await c.getByTestId('create-bilan').click();
  await expect(c.getByTestId('counsellor-name')).toHaveAttribute('aria-invalid', 'true');
  await screenshots(c, 'create-errors');
  await c.goto('/');

  const link = await createBilan(c, { counsellor: 'Camille Martin', beneficiary: 'Alex Durand' });
  await expect(c.getByTestId('invite-qr')).toBeVisible();
  await screenshots(c, 'workspace-counsellor-invite');

  // The beneficiary opens the link: the key leaves the address bar at once.
  await b.goto(link);
  await expect(b.getByTestId('join-screen')).toBeVisible();
  expect(new URL(b.url()).hash).toBe('');
  await expect(b.getByTestId('join-inviter')).toContainText('Camille Martin');
  await screenshots(b, 'join');
  await joinBilan(b, link, 'Alex Durand');

  for (const page of [c, b]) {
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', /p2p|relay/);
    await expect(page.getByTestId('presence-other')).toHaveAttribute('data-online', 'true');
  }
  await expect(c.getByTestId('presence-other')).toContainText('Alex Durand');
  await expect(b.getByTestId('presence-other')).toContainText('Camille Martin');

  // Both type in the same section at the same time, each in their own paragraph.
  await section(c, 'projet').click();
  await c.keyboard.type('Projet principal :');
  await expect.poll(() => sectionText(b, 'projet')).toBe('Projet principal :');
  await section(b, 'projet').click();
  await b.keyboard.press('End');
  await b.keyboard.press('Enter');
  await expect.poll(() => sectionText(c, 'projet')).toBe('Projet principal :\n');
  await section(c, 'projet').locator('p').first().click();
  await c.keyboard.press('End');
  await Promise.all([
    c.keyboard.type(' formatrice pour adultes.', { delay: 15 }),
    b.keyboard.type("Je veux transmettre mon métier d'électricienne.", { delay: 15 }),
  ]);
  const expected =
    "Projet principal : formatrice pour adultes.\nJe veux transmettre mon métier d'électricienne.";
  for (const page of [c, b]) await expect.poll(() => sectionText(page, 'projet')).toBe(expected);

  // Then at the very same spot: whatever the interleaving, both end with the same text
  // and nothing typed is lost. (Exact-position races can double a character in the
  // ProseMirror binding, y-prosemirror#161, so the check is "nothing lost, identical".)
  await section(c, 'competences').click();
  await section(b, 'competences').click();
  const mine = 'Analyse du parcours. ';
  const theirs = 'Goût pour la transmission. ';
  await Promise.all([c.keyboard.type(mine, { delay: 15 }), b.keyboard.type(theirs, { delay: 15 })]);
  await expect
    .poll(async () => {
      const [one, two] = [await sectionText(c, 'competences'), await sectionText(b, 'competences')];
      return one === two && containsAll(one, mine + theirs);
    })
    .toBe(true);
  // Each sees the other's caret, labelled with the other's name.
  await expect(c.locator('.collaboration-carets__label[data-name="Alex Durand"]')).toBeAttached();
  await expect(
    b.locator('.collaboration-carets__label[data-name="Camille Martin"]'),
  ).toBeAttached();

  // Formatting and undo of one's own edit only.
  await section(c, 'circonstances').click();
  // One input event: typed key by key on a loaded machine, the text would span several
  // undo steps (Yjs groups edits within 500 ms), and one undo would remove only the last.
  await c.keyboard.insertText('Demande à l’initiative de la bénéficiaire.');
  await expect.poll(() => sectionText(b, 'circonstances')).toContain('initiative');
  await section(b, 'circonstances').click();
  await b.keyboard.press('End');
  await b.keyboard.type(' Ajout.');
  await expect.poll(() => sectionText(c, 'circonstances')).toContain('Ajout.');
  await c.getByRole('button', { name: 'Annuler ma dernière modification' }).click();
  await expect.poll(() => sectionText(b, 'circonstances')).toBe(' Ajout.');
  await expect(c.getByTestId('word-count-projet')).not.toHaveText('0 mot');

  // Observations: written by the beneficiary, seen by the counsellor.
  await b.getByTestId('observation-text').fill('Je préfère parler de « reconversion ».');
  await b.getByTestId('observation-add').click();
  await expect(c.getByTestId('observation')).toContainText('reconversion');

  // Phase: changed by the counsellor, seen by the beneficiary.
  await c.getByTestId('phase-select').selectOption('investigation');
  await expect(b.getByTestId('phase')).toHaveAttribute('data-phase', 'investigation');
  await screenshots(c, 'workspace-counsellor');
  await screenshots(b, 'workspace-beneficiary');

  // Action plan: add, edit from both sides, reorder, status.
  await c.getByTestId('tab-action-plan').click();
  await b.getByTestId('tab-action-plan').click();
  await c.getByTestId('action-plan-add').click();
  await c.getByTestId('row-objective').first().fill('Valider le projet de formatrice');
  await c.getByTestId('row-objective').first().blur();
  await expect.poll(() => rowObjectives(b)).toEqual(['Valider le projet de formatrice']);
  await b.getByTestId('action-plan-add').click();
  await b.getByTestId('row-objective').nth(1).fill('Financer la formation');
  await b.getByTestId('row-funding-cpf').nth(1).check();
  await b.getByTestId('row-status').first().selectOption('en_cours');
  await b.getByTestId('row-deadline').nth(1).fill('2027-03-31');
  await expect
    .poll(() => rowObjectives(c))
    .toEqual(['Valider le projet de formatrice', 'Financer la formation']);
  await expect(c.getByTestId('row-status').first()).toHaveValue('en_cours');
  await expect(c.getByTestId('row-funding-cpf').nth(1)).toBeChecked();
  await expect(c.getByTestId('row-deadline').nth(1)).toHaveValue('2027-03-31');
  // Reorder with the keyboard on one side, with a button on the other.
  await c.getByTestId('row-objective').nth(1).focus();
  await c.keyboard.press('Alt+ArrowUp');
  await expect
    .poll(() => rowObjectives(b))
    .toEqual(['Financer la formation', 'Valider le projet de formatrice']);
  await expect(c.getByTestId('row-objective').first()).toBeFocused();
  await b.getByTestId('row-down').first().click();
  await expect
    .poll(() => rowObjectives(c))
    .toEqual(['Valider le projet de formatrice', 'Financer la formation']);
  await screenshots(c, 'action-plan');

  // Delete needs a confirmation, then goes for both.
  await b.getByTestId('action-plan-add').click();
  await expect.poll(() => rowObjectives(c)).toHaveLength(3);
  await c.getByTestId('row-remove').nth(2).click();
  await c.getByTestId('row-remove-confirm').click();
  await expect.poll(() => rowObjectives(b)).toHaveLength(2);

  // Reload keeps everything, on both sides.
  const projet = await sectionText(c, 'projet');
  await Promise.all([c.reload(), b.reload()]);
  for (const page of [c, b]) {
    await expect(page.getByTestId('synthesis-editor')).toBeVisible();
    await expect.poll(() => sectionText(page, 'projet')).toBe(projet);
    await page.getByTestId('tab-action-plan').click();
    await expect
      .poll(() => rowObjectives(page))
      .toEqual(['Valider le projet de formatrice', 'Financer la formation']);
    await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'investigation');
  }

  // Home lists the bilan with what this party entered.
  await goHome(c);
  const item = c.getByTestId('bilan-item');
  await expect(item).toHaveCount(1);
  await expect(item).toContainText('Alex Durand');
  await expect(item).toContainText('Investigation');
  await screenshots(c, 'home-list');
  await goHome(b);
  await expect(b.getByTestId('bilan-item')).toContainText('Alex Durand');

  // English is one click away and remembered.
  await c.locator('#lang-select').selectOption('en');
  await expect(c.locator('html')).toHaveAttribute('lang', 'en');
  await expect(c.getByTestId('new-bilan')).toHaveText('New bilan');
  await c.reload();
  await expect(c.getByTestId('new-bilan')).toHaveText('New bilan');
  await screenshots(c, 'home-list-en');

  expect(foreignRequests).toEqual([]);
  expect(cspViolations).toEqual([]);
});

test('edits made while apart, one side offline, merge when they meet again', async ({
  counsellor,
  beneficiary,
}) => {
  const b = beneficiary.page;
  const link = await createBilan(counsellor.page);
  await joinBilan(b, link);
  await expect(b.getByTestId('presence-other')).toHaveAttribute('data-online', 'true');

  // The beneficiary loses the network and the counsellor leaves: no path is left.
  await beneficiary.context.setOffline(true);
  await counsellor.page.close();
  await expect(b.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await expect(b.getByTestId('offline-alert')).toBeVisible();
  await expect(b.getByTestId('presence-other')).toHaveAttribute('data-online', 'false');
  await screenshots(b, 'workspace-offline');
  await section(b, 'competences').click();
  await b.keyboard.type('Écrit hors ligne.');

  // Meanwhile the counsellor comes back from the home screen and writes too.
  const c = await counsellor.context.newPage();
  await c.goto('/');
  await c
    .getByTestId('bilan-item')
    .getByRole('button', { name: /Ouvrir/ })
    .click();
  await section(c, 'competences').click();
  await c.keyboard.type('Écrit en ligne. ');

  await beneficiary.context.setOffline(false);
  await expect(b.getByTestId('connection-status')).toHaveAttribute('data-state', /p2p|relay/);
  await expect
    .poll(async () => {
      const [one, two] = [await sectionText(c, 'competences'), await sectionText(b, 'competences')];
      return one === two && one.includes('Écrit hors ligne.') && one.includes('Écrit en ligne. ');
    })
    .toBe(true);
});

test('a bad link says what is wrong with it, and the key leaves the address bar', async ({
  counsellor,
  relay,
}) => {
  const page = counsellor.page;
  const cases: [string, string, RegExp][] = [
    ['#v1.AAAA', 'truncated', /incomplet/],
    ['#bonjour', 'unknown-scheme', /pas un lien Tandem/],
    ['#v9.AAAA', 'unknown-version', /plus récente/],
    [`#v1.${'A'.repeat(72)}`, 'checksum-mismatch', /modifié ou mal recopié/],
  ];
  for (const [fragment, code, message] of cases) {
    await page.goto(`${relay.url}/${fragment}`);
    const error = page.getByTestId('link-error');
    await expect(error).toHaveAttribute('data-code', code);
    await expect(error).toContainText(message);
    expect(new URL(page.url()).hash).toBe('');
  }
  await screenshots(page, 'link-error');
  await page.getByRole('button', { name: 'Retour à mes bilans' }).click();
  await expect(page.getByTestId('new-bilan')).toBeVisible();
});

test('a third device opening the link is shown to both parties as unknown', async ({
  browser,
  relay,
  counsellor,
  beneficiary,
}) => {
  const link = await createBilan(counsellor.page);
  await joinBilan(beneficiary.page, link);

  const third = await browser.newContext({ baseURL: relay.url });
  try {
    const page = await third.newPage();
    await page.goto(link);
    await expect(page.getByTestId('join-inviter')).toContainText('Camille Martin');
    for (const party of [counsellor.page, beneficiary.page]) {
      await expect(party.getByTestId('unknown-device')).toBeVisible();
      // It has not joined: it borrows no one's name.
      await expect(party.getByTestId('unknown-device')).not.toContainText('Alex Durand');
    }
    await screenshots(counsellor.page, 'unknown-device');
    await page.getByTestId('join-name').fill('Quelqu’un d’autre');
    await page.getByTestId('consent-accept').click();
    await expect(page.getByTestId('join-error')).toContainText('déjà été rejoint');
  } finally {
    await third.close();
  }
});

test('without local storage the app explains why instead of showing a blank page', async ({
  counsellor,
}) => {
  const page = counsellor.page;
  // Private windows and locked-down browsers can refuse IndexedDB altogether.
  await counsellor.context.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  });
  await page.goto('/');
  const failure = page.getByTestId('storage-failure');
  await expect(failure).toHaveAttribute('data-code', 'unavailable');
  await expect(failure).toContainText('stockage local');
  await screenshots(page, 'storage-failure');
});

test('a bilan can be removed from this device, after a confirmation', async ({ counsellor }) => {
  const page = counsellor.page;
  await createBilan(page);
  await goHome(page);
  await page
    .getByRole('button', { name: "Retirer le bilan d'Alex Durand de cet appareil" })
    .click();
  const confirm = page.getByTestId('remove-confirm');
  await expect(confirm).toBeVisible();
  await screenshots(page, 'home-remove-confirm');
  // Escape cancels: the bilan stays.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('bilan-item')).toHaveCount(1);
  await page.getByRole('button', { name: /Retirer le bilan/ }).click();
  await page.getByTestId('remove-confirm').click();
  await expect(page.getByTestId('home-empty')).toBeVisible();
  await expect(page.getByTestId('app-notice')).toContainText('retiré de cet appareil');
});
