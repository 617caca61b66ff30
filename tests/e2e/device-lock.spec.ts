import { encodeBase64url, parseLinkFragment } from '@tandem/protocol';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.ts';
import { createBilan } from '../support/flows.ts';
import { scanIndexedDb, screenshots, section, writeInSection } from '../support/closure.ts';

/**
 * The device lock in a real browser: a bilan is created, the lock is turned on, and the
 * raw IndexedDB no longer holds the bilan key K (the invite link's fragment carries it)
 * nor the names of the home list; a reload shows the lock screen, a wrong passphrase is
 * refused, the right one opens the bilan with its content. "Lock now" locks again.
 */

const PASSPHRASE = 'cheval agrafe correct 42';
const MARKER = 'Phrase-témoin du verrou : reconversion en menuiserie';
const BENEFICIARY = 'Alex Durand';

/** Where the database/store of each hit is: keystore stores and bilan content copies. */
const keystoreHits = (found: string[]) => found.filter((f) => f.startsWith('tandem-keystore/'));

async function goHome(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Tandem —/ }).click();
  await expect(page.getByTestId('new-bilan')).toBeVisible();
}

test('the device lock seals the keystore, asks for the passphrase at start-up, and opens the bilan', async ({
  counsellor,
}) => {
  const page = counsellor.page;
  const link = await createBilan(page, { counsellor: 'Camille Martin', beneficiary: BENEFICIARY });
  const parsed = parseLinkFragment(new URL(link).hash.slice(1));
  if (!parsed.ok) throw new Error(parsed.error);
  const key = parsed.value.key;
  await writeInSection(page, 'projet', MARKER);
  await expect(section(page, 'projet')).toContainText(MARKER);

  // Before: the scan finds K (and the name of the home list) in the keystore.
  await goHome(page);
  await expect(page.getByTestId('bilan-item')).toContainText(BENEFICIARY);
  expect(keystoreHits((await scanIndexedDb(page, key)).found)).toEqual(['tandem-keystore/bilans']);
  await expect
    .poll(async () => keystoreHits((await scanIndexedDb(page, BENEFICIARY)).found))
    .toEqual(['tandem-keystore/bilans']);

  // Turn the lock on: the rule and the confirmation are checked first.
  await page.getByTestId('device-lock-open').click();
  await expect(page.getByTestId('lock-status')).toHaveAttribute('data-state', 'off');
  await page.getByTestId('lock-passphrase').fill('trop court');
  await page.getByTestId('lock-passphrase-confirm').fill('trop court');
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-passphrase')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('lock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('lock-passphrase-confirm').fill(PASSPHRASE);
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-status')).toHaveAttribute('data-state', 'on');
  await screenshots(page, 'device-lock-settings');

  // After: K is nowhere in IndexedDB, in bytes or as the link spells it; the name is
  // no longer in the keystore. (The bilan's content copy, y-indexeddb, stays in clear:
  // the lock does not cover it, as the screen says.)
  const scan = await scanIndexedDb(page, key);
  expect(scan.databases.map((d) => d.name)).toContain('tandem-keystore');
  expect(scan.found).toEqual([]);
  expect((await scanIndexedDb(page, encodeBase64url(key))).found).toEqual([]);
  expect(keystoreHits((await scanIndexedDb(page, BENEFICIARY)).found)).toEqual([]);
  expect((await scanIndexedDb(page, MARKER)).found.length).toBeGreaterThan(0);

  // Start-up asks for the passphrase; nothing of the home list shows before.
  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await expect(page.getByTestId('bilan-item')).toHaveCount(0);
  await expect(page.getByTestId('unlock-passphrase')).toBeFocused();
  await screenshots(page, 'device-lock-screen');

  await page.getByTestId('unlock-passphrase').fill('cheval agrafe correct 43');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('unlock-error')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await screenshots(page, 'device-lock-wrong');

  // Keyboard only: the field keeps focus, Enter submits.
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('unlock-passphrase').press('Enter');
  await expect(page.getByTestId('lock-screen')).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByTestId('lock-status')).toHaveAttribute('data-state', 'on');

  // The bilan opens with its content, under the key that was sealed.
  await goHome(page);
  await expect(page.getByTestId('bilan-item')).toContainText(BENEFICIARY);
  await page
    .getByTestId('bilan-item')
    .getByRole('button', { name: /Ouvrir/ })
    .click();
  await expect(section(page, 'projet')).toContainText(MARKER);
  expect((await scanIndexedDb(page, key)).found).toEqual([]);

  // "Lock now" closes it and asks again.
  await goHome(page);
  await page.getByTestId('device-lock-open').click();
  await page.getByTestId('lock-now').click();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
});

test('a forgotten passphrase: the device can be reset, after a confirmation, and everything local is gone', async ({
  counsellor,
}) => {
  const page = counsellor.page;
  await createBilan(page);
  await writeInSection(page, 'projet', MARKER);
  await goHome(page);
  await page.getByTestId('device-lock-open').click();
  await page.getByTestId('lock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('lock-passphrase-confirm').fill(PASSPHRASE);
  await page.getByTestId('lock-enable').click();
  await expect(page.getByTestId('lock-status')).toHaveAttribute('data-state', 'on');

  await page.reload();
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  await page.getByTestId('lock-forgotten').click();
  await expect(page.getByTestId('lock-reset')).toBeVisible();
  await screenshots(page, 'device-lock-forgotten');
  // Cancelling the confirmation changes nothing.
  await page.getByTestId('lock-reset').click();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('lock-screen')).toBeVisible();
  expect((await scanIndexedDb(page, MARKER)).found.length).toBeGreaterThan(0);

  await page.getByTestId('lock-reset').click();
  await page.getByTestId('lock-reset-confirm').click();
  await expect(page.getByTestId('home-empty')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('device-lock-open')).toHaveAttribute('data-state', 'off');
  const scan = await scanIndexedDb(page, MARKER);
  expect(scan.found).toEqual([]);
  expect(scan.databases.filter((d) => d.name.startsWith('tandem-bilan-'))).toEqual([]);
});
