import { expect, type Page } from '@playwright/test';

/**
 * The create → invite → join flow, driven only by the stable data-testids of DESIGN.md.
 * Returns the beneficiary's invitation link.
 */
export async function createBilan(
  page: Page,
  names = { counsellor: 'Camille Martin', beneficiary: 'Alex Durand' },
): Promise<string> {
  await page.goto('/');
  await page.getByTestId('new-bilan').click();
  await page.getByTestId('counsellor-name').fill(names.counsellor);
  await page.getByTestId('beneficiary-name').fill(names.beneficiary);
  await page.getByTestId('create-bilan').click();
  const invite = page.getByTestId('invite-link');
  // Creating a bilan initialises libsodium and IndexedDB: allow for a loaded machine.
  await expect(invite).toBeVisible({ timeout: 45_000 });
  const link = await invite.evaluate((el) =>
    el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement
      ? el.value
      : (el.textContent ?? ''),
  );
  expect(link).toMatch(/^https?:\/\/[^#]+\/#.+/);
  await expect(page.getByTestId('synthesis-editor')).toBeVisible();
  return link.trim();
}

/** Opens the invitation in the beneficiary's browser, gives a name, accepts, reaches the editor. */
export async function joinBilan(page: Page, link: string, name = 'Alex Durand'): Promise<void> {
  await page.goto(link);
  await page.getByTestId('join-name').fill(name);
  await page.getByTestId('consent-accept').click();
  await expect(page.getByTestId('synthesis-editor')).toBeVisible();
}

/** Both sides see each other over the given path. */
export async function expectConnection(
  page: Page,
  state: 'p2p' | 'relay' | 'connecting' | 'offline',
) {
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', state);
}

/** The first editable section of the synthesis editor (ProseMirror contenteditable). */
export function firstSection(page: Page) {
  return page.getByTestId('synthesis-editor').locator('[contenteditable="true"]').first();
}
