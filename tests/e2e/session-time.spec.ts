import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { expect, test } from '../support/fixtures.ts';
import { createBilan, firstSection, joinBilan } from '../support/flows.ts';

/**
 * Session time end to end, two browser contexts over the real relay: the counsellor sets a
 * low contracted time (one minute — an ordinary setting), a remote session starts after the
 * confidentiality reminder, both clocks run, both devices stop it at the cap on their own,
 * no session can start after, both parties' devices sign the attendance and verify each
 * other's signature, and the evidence PDF holds the parties and the total — not the content.
 * Nothing here measures how long anything took.
 */

const OUT_DIR = fileURLToPath(new URL('../artifacts/session-time/', import.meta.url));
mkdirSync(OUT_DIR, { recursive: true });

const NAMES = { counsellor: 'Camille Martin', beneficiary: 'Alex Durand' };
const MARKER = 'Marqueur confidentiel 4417 : projet de reconversion en ébénisterie';
const CAP_SECONDS = 60;

async function hoursTotal(page: Page): Promise<number> {
  return Number(await page.getByTestId('hours-total').getAttribute('data-seconds'));
}

async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [480, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${OUT_DIR}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(original);
}

test('a short remote session stops at the cap on both sides, is signed, and is evidenced', async ({
  counsellor,
  beneficiary,
}) => {
  // One real minute of session plus the attendance settle delay; no timing is asserted.
  test.setTimeout(300_000);
  const c = counsellor.page;
  const b = beneficiary.page;
  c.on('console', (m) => {
    if (m.type() === 'error') console.warn('counsellor console:', m.text());
  });

  // Created with two contracted minutes (hours and minutes on the creation form)…
  await c.goto('/');
  await c.getByTestId('new-bilan').click();
  await c.getByTestId('counsellor-name').fill(NAMES.counsellor);
  await c.getByTestId('beneficiary-name').fill(NAMES.beneficiary);
  // Negative minutes are not taken off the hours: the form refuses them.
  await c.getByTestId('hour-cap-hours').fill('1');
  await c.getByTestId('hour-cap-minutes').fill('-30');
  await c.getByTestId('create-bilan').click();
  await expect(c.getByTestId('hour-cap-minutes')).toHaveAttribute('aria-invalid', 'true');
  await expect(c.getByTestId('invite-link')).toHaveCount(0);
  await c.getByTestId('hour-cap-hours').fill('0');
  await c.getByTestId('hour-cap-minutes').fill('2');
  await screenshots(c, 'create');
  await c.getByTestId('create-bilan').click();
  await expect(c.getByTestId('invite-link')).toHaveValue(/^https?:\/\/[^#]+\/#.+/);
  const link = (await c.getByTestId('invite-link').inputValue()).trim();
  await expect(c.getByTestId('hours-cap')).toHaveAttribute('data-seconds', '120');
  await joinBilan(b, link, NAMES.beneficiary);

  // Content the evidence must never carry.
  await firstSection(c).click();
  await c.keyboard.type(MARKER);
  await expect(b.getByTestId('synthesis-editor')).toContainText(MARKER);

  // …then lowered to one minute in the workspace settings; both see it.
  await c.getByTestId('tab-sessions').click();
  await c.getByTestId('hour-cap-hours').fill('0');
  await c.getByTestId('hour-cap-minutes').fill('1');
  await c.getByTestId('hour-cap-save').click();
  await expect(c.getByTestId('hour-cap-message')).toContainText('1 min');
  for (const page of [c, b]) {
    await expect(page.getByTestId('hours-cap')).toHaveAttribute('data-seconds', `${CAP_SECONDS}`);
    await expect(page.getByTestId('hours-total')).toHaveAttribute('data-seconds', '0');
  }
  await b.getByTestId('tab-sessions').click();
  await expect(b.getByTestId('hour-cap-readonly')).toContainText('1 min');
  await expect(b.getByTestId('hour-cap-hours')).toHaveCount(0);

  // A remote session: the starter confirms the confidentiality reminder, the other is told.
  await c.getByTestId('session-mode').selectOption('distanciel');
  await c.getByTestId('session-start').click();
  await expect(c.getByRole('dialog')).toContainText('pièce fermée');
  await screenshots(c, 'distanciel-confirm');
  await c.getByTestId('distanciel-confirm').click();
  await expect(b.getByTestId('distanciel-notice')).toContainText('pièce fermée');
  await expect(c.getByTestId('distanciel-notice')).toHaveCount(0);

  // Both clocks run and both totals grow.
  for (const page of [c, b]) {
    await expect(page.getByTestId('session-stop')).toBeVisible();
    await expect(page.getByTestId('session-timer')).toBeVisible();
    await expect(page.getByTestId('session-start')).toHaveCount(0);
  }
  await expect.poll(() => hoursTotal(c)).toBeGreaterThan(0);
  await expect.poll(() => hoursTotal(b)).toBeGreaterThan(0);
  const seenC = await hoursTotal(c);
  const seenB = await hoursTotal(b);
  await expect.poll(() => hoursTotal(c)).toBeGreaterThan(seenC);
  await expect.poll(() => hoursTotal(b)).toBeGreaterThan(seenB);
  await screenshots(b, 'running-beneficiary');

  // Warnings come before the cap (defaults scaled to it: 50 s and 57 s of a minute).
  await expect(c.getByTestId('cap-warning')).toBeVisible({ timeout: 90_000 });
  await expect(b.getByTestId('cap-warning')).toBeVisible();
  await c.screenshot({ path: `${OUT_DIR}warning-counsellor-1280.png` });

  // The cap stops the session on both devices, with an explanation, and nothing restarts.
  for (const page of [c, b]) {
    await expect(page.getByTestId('cap-reached')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByTestId('cap-stopped')).toBeVisible();
    await expect(page.getByTestId('session-stop')).toHaveCount(0);
    await expect(page.getByTestId('session-start')).toBeDisabled();
    await expect(page.getByTestId('hours-total')).toHaveAttribute('data-seconds', `${CAP_SECONDS}`);
  }
  await screenshots(c, 'cap-reached-counsellor');

  // Attendance: each device signs, each verifies the other's signature.
  for (const page of [c, b]) {
    const row = page.getByTestId('attendance-row');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-state', 'signed', { timeout: 60_000 });
    await expect(row.getByTestId('signature-counsellor')).toHaveAttribute(
      'data-signature',
      'valid',
    );
    await expect(row.getByTestId('signature-beneficiary')).toHaveAttribute(
      'data-signature',
      'valid',
    );
    await expect(page.getByTestId('certified-total')).toHaveAttribute(
      'data-seconds',
      `${CAP_SECONDS}`,
    );
    await expect(page.getByTestId('breakdown-mode-distanciel')).toHaveAttribute(
      'data-seconds',
      `${CAP_SECONDS}`,
    );
  }
  await expect(b.getByTestId('evidence-export')).toHaveCount(0);
  await expect(c.getByTestId('evidence-saved')).toContainText('enregistrés');
  await screenshots(c, 'sessions-tab-counsellor');
  await screenshots(b, 'sessions-tab-beneficiary');

  // The evidence PDF: parties and total, and nothing of the synthesis.
  const total = (await c.getByTestId('certified-total').innerText()).trim();
  expect(total).toBe('1 min');
  const [download] = await Promise.all([
    c.waitForEvent('download'),
    c.getByTestId('evidence-export').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(
    /^tandem-certificat-emargement-\d{4}-\d{2}-\d{2}\.pdf$/,
  );
  const pdfPath = `${OUT_DIR}evidence.pdf`;
  await download.saveAs(pdfPath);
  expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
  expect(text).toContain('Certificat de réalisation');
  expect(text).toContain("Feuille d'émargement");
  expect(text).toContain(NAMES.counsellor);
  expect(text).toContain(NAMES.beneficiary);
  expect(text).toMatch(/Durée réalisée\s+1 min/);
  expect(text).toMatch(/Total réalisé\s+1 min/);
  expect(text).toContain('Distanciel');
  expect(text.match(/Signée/g)?.length).toBe(2);
  expect(text).not.toContain('Marqueur');
  expect(text).not.toContain('ébénisterie');
  execFileSync('pdftoppm', [
    '-png',
    '-r',
    '60',
    '-f',
    '1',
    '-l',
    '2',
    pdfPath,
    `${OUT_DIR}evidence`,
  ]);
});

test('the session controls work from the keyboard, in English', async ({
  counsellor,
  beneficiary,
}) => {
  const c = counsellor.page;
  const link = await createBilan(c, NAMES);
  await joinBilan(beneficiary.page, link, NAMES.beneficiary);
  await c.getByLabel('Langue').selectOption('en');
  await expect(c.locator('html')).toHaveAttribute('lang', 'en');

  // Mode by keyboard, then start: the remote reminder is a modal dialog that takes focus.
  const mode = c.getByTestId('session-mode');
  await mode.focus();
  await mode.selectOption('presentiel');
  await c.keyboard.press('Tab');
  await expect(c.getByTestId('session-start')).toBeFocused();
  await expect(c.getByTestId('session-start')).toHaveText('Start the session');
  await mode.selectOption('distanciel');
  await c.getByTestId('session-start').focus();
  await c.keyboard.press('Enter');
  const dialog = c.getByRole('dialog');
  await expect(dialog).toContainText('closed room');
  await c.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(c.getByTestId('session-start')).toBeVisible();

  await mode.selectOption('presentiel');
  await c.getByTestId('session-start').focus();
  await c.keyboard.press('Enter');
  await expect(c.getByTestId('session-stop')).toHaveText(/Stop the session/);
  await expect(beneficiary.page.getByTestId('session-stop')).toBeVisible();
  await expect(beneficiary.page.getByTestId('distanciel-notice')).toHaveCount(0);
  await expect.poll(() => hoursTotal(c)).toBeGreaterThan(0);
  await screenshots(c, 'running-english');
  await c.getByTestId('session-stop').focus();
  await c.keyboard.press('Space');
  for (const page of [c, beneficiary.page]) {
    await expect(page.getByTestId('session-start')).toBeEnabled();
    await expect(page.getByTestId('session-stop')).toHaveCount(0);
  }
  await c.getByTestId('tab-sessions').click();
  await expect(c.getByTestId('attendance-row')).toHaveAttribute('data-state', 'signed', {
    timeout: 60_000,
  });
  await expect(c.getByTestId('attendance-state')).toHaveText('Signed by both parties');
  await screenshots(c, 'sessions-tab-english');
});
