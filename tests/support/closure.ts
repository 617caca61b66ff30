import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, type Page, type TestInfo } from '@playwright/test';

/** Helpers of the closure tests: markers, IndexedDB scans, downloads. */

export const SCREENS_DIR = fileURLToPath(new URL('../artifacts/screens/', import.meta.url));
mkdirSync(SCREENS_DIR, { recursive: true });

export async function screenshots(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [480, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `${SCREENS_DIR}${name}-${width}.png`, fullPage: true });
  }
  await page.setViewportSize(original);
}

export function section(page: Page, id: 'circonstances' | 'competences' | 'projet') {
  return page.getByTestId('synthesis-editor').locator(`[data-section="${id}"] .ProseMirror`);
}

/** Writes `text` in one go (one Yjs update: its bytes are contiguous in storage). */
export async function writeInSection(
  page: Page,
  id: 'circonstances' | 'competences' | 'projet',
  text: string,
): Promise<void> {
  await section(page, id).click();
  await page.keyboard.press('End');
  await page.keyboard.insertText(text);
}

export interface IdbScan {
  /** Every database of the origin, with its stores. */
  readonly databases: { name: string; stores: string[] }[];
  /** "database/store" where the needle's UTF-8 bytes were found. */
  readonly found: string[];
}

/**
 * Looks for `needle` — the UTF-8 bytes of a string, or the bytes given — in every value
 * and key of every store of every IndexedDB database of the page's origin (strings,
 * typed arrays and buffers, nested).
 */
export async function scanIndexedDb(page: Page, needle: string | Uint8Array): Promise<IdbScan> {
  const arg = typeof needle === 'string' ? needle : Array.from(needle);
  return page.evaluate(async (needle: string | number[]) => {
    const target =
      typeof needle === 'string' ? new TextEncoder().encode(needle) : Uint8Array.from(needle);
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const chunks = (value: unknown, out: Uint8Array[], seen = new Set<unknown>()): void => {
      if (value === null || value === undefined || seen.has(value)) return;
      if (typeof value === 'string') out.push(new TextEncoder().encode(value));
      else if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
      else if (ArrayBuffer.isView(value)) {
        out.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      } else if (value instanceof Blob) {
        // Not used by Tandem; flagged so that a future Blob is not silently skipped.
        out.push(new TextEncoder().encode('[blob]'));
      } else if (typeof value === 'object') {
        seen.add(value);
        const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
        for (const [key, inner] of entries) {
          chunks(key, out, seen);
          chunks(inner, out, seen);
        }
      }
    };
    const contains = (haystack: Uint8Array) => {
      outer: for (let i = 0; i + target.length <= haystack.length; i++) {
        for (let j = 0; j < target.length; j++) if (haystack[i + j] !== target[j]) continue outer;
        return true;
      }
      return false;
    };
    const databases: { name: string; stores: string[] }[] = [];
    const found: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const db = await request(indexedDB.open(info.name));
      const stores = Array.from(
        { length: db.objectStoreNames.length },
        (_, i) => db.objectStoreNames.item(i) ?? '',
      );
      databases.push({ name: info.name, stores });
      for (const storeName of stores) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [keys, values] = await Promise.all([
          request(store.getAllKeys()),
          request(store.getAll()),
        ]);
        const out: Uint8Array[] = [];
        chunks(keys, out);
        chunks(values, out);
        if (out.some(contains)) found.push(`${info.name}/${storeName}`);
      }
      db.close();
    }
    return { databases, found };
  }, arg);
}

/** Clicks `testId` and saves the download it starts; returns the saved path. */
export async function download(
  page: Page,
  testId: string,
  testInfo: TestInfo,
  name: string,
): Promise<string> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId(testId).click(),
  ]);
  const path = testInfo.outputPath(name);
  await file.saveAs(path);
  return path;
}

export function pdfText(path: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
}

/** First page of a PDF as a PNG in the screens folder, to look at. */
export function renderPdfPage(path: string, name: string): string {
  const prefix = `${SCREENS_DIR}${name}`;
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', path, prefix]);
  return `${prefix}.png`;
}

export function unzipEntry(path: string, entry: string): string {
  return execFileSync('unzip', ['-p', path, entry], { encoding: 'utf8' });
}

/** Moves the phase forward to the conclusion (counsellor) and waits for the other side. */
export async function toConclusion(counsellor: Page, beneficiary: Page): Promise<void> {
  await counsellor.getByTestId('phase-select').selectOption('investigation');
  await expect(beneficiary.getByTestId('phase')).toHaveAttribute('data-phase', 'investigation');
  await counsellor.getByTestId('phase-select').selectOption('conclusion');
  await expect(beneficiary.getByTestId('phase')).toHaveAttribute('data-phase', 'conclusion');
}
