import { createBilanId, sealWithPassphrase } from '@tandem/crypto';
import { initBilan, sectionFragment, sectionText } from '@tandem/workspace';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  BACKUP_PURPOSE,
  createBackup,
  encodeBackupPlaintext,
  looksLikeBackup,
  openBackup,
} from './backup.ts';

const MARKER = 'Phrase-témoin : reconversion en ébénisterie';
const NOW = Date.UTC(2026, 5, 1);

function bilanDoc(): Y.Doc {
  const doc = new Y.Doc();
  const result = initBilan(doc, {
    bilanId: createBilanId(),
    createdAt: NOW,
    counsellor: { name: 'Camille Martin', publicKey: new Uint8Array(32).fill(7) },
  });
  if (!result.ok) throw new Error(result.error);
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(MARKER)]);
  sectionFragment(doc, 'projet').insert(0, [paragraph]);
  return doc;
}

// Each open or seal runs Argon2id (about a second or two).
describe('encrypted backup file', { timeout: 60_000 }, () => {
  it('round-trips the whole bilan, and the file holds none of its text', async () => {
    const doc = bilanDoc();
    const file = await createBackup(doc, {
      title: 'Mon bilan',
      now: NOW,
      passphrase: 'p4ss phrase',
    });
    expect(looksLikeBackup(file)).toBe(true);
    expect(Buffer.from(file).includes(Buffer.from(MARKER))).toBe(false);
    const opened = await openBackup(file, 'p4ss phrase');
    if (!opened.ok) throw new Error(opened.error);
    expect(opened.value.title).toBe('Mon bilan');
    expect(opened.value.exportedAt).toBe(NOW);
    expect(sectionText(opened.value.doc, 'projet')).toBe(MARKER);
  });

  it('says clearly when the passphrase is wrong or the file was modified', async () => {
    const file = await createBackup(bilanDoc(), { title: 'B', now: NOW, passphrase: 'juste' });
    expect(await openBackup(file, 'fausse')).toEqual({
      ok: false,
      error: 'wrong-passphrase-or-modified',
    });
    const tampered = Uint8Array.from(file);
    tampered[tampered.length - 20]! ^= 0x40;
    expect(await openBackup(tampered, 'juste')).toEqual({
      ok: false,
      error: 'wrong-passphrase-or-modified',
    });
    const truncated = file.subarray(0, file.length - 1);
    expect((await openBackup(truncated, 'juste')).ok).toBe(false);
  });

  it('tells other files and newer formats apart', async () => {
    expect(await openBackup(new TextEncoder().encode('%PDF-1.7 …'), 'x')).toEqual({
      ok: false,
      error: 'not-a-backup',
    });
    const file = await createBackup(bilanDoc(), { title: 'B', now: NOW, passphrase: 'x' });
    const newer = Uint8Array.from(file);
    newer[4] = 9;
    expect(await openBackup(newer, 'x')).toEqual({ ok: false, error: 'unsupported-version' });
  });

  it('refuses a sealed plaintext that is not a bilan backup', async () => {
    const header = { bilanId: createBilanId(), title: 'B', exportedAt: NOW };
    // Right passphrase, but the Yjs state is another bilan's: refused, not imported.
    const other = Y.encodeStateAsUpdate(bilanDoc());
    const mismatched = await sealWithPassphrase(
      'x',
      encodeBackupPlaintext(header, other),
      BACKUP_PURPOSE,
    );
    expect(await openBackup(mismatched, 'x')).toEqual({ ok: false, error: 'damaged' });
    const garbage = await sealWithPassphrase(
      'x',
      Uint8Array.of(1, 0, 0, 0, 3, 1, 2, 3),
      BACKUP_PURPOSE,
    );
    expect(await openBackup(garbage, 'x')).toEqual({ ok: false, error: 'damaged' });
    // Sealed for another purpose: does not open as a backup.
    const personal = await sealWithPassphrase('x', encodeBackupPlaintext(header, other), 'other/1');
    expect((await openBackup(personal, 'x')).ok).toBe(false);
  });
});
