/**
 * The encrypted backup file (.tandem): the whole bilan document (Yjs state) sealed under a
 * passphrase the beneficiary chooses (Argon2id + XChaCha20-Poly1305, @tandem/crypto). Tandem
 * re-imports it on any device as a personal copy — read-only, exportable, theirs.
 *
 * Plaintext layout, inside the passphrase box (purpose BACKUP_PURPOSE):
 *   format version u8 ‖ header length u32 (big-endian) ‖ header (UTF-8 JSON) ‖ Yjs update
 * The header says which bilan, its title and when it was exported; the purpose string is
 * authenticated too, so another kind of Tandem box never opens as a backup.
 */
import { isPassphraseBox, openWithPassphrase, sealWithPassphrase } from '@tandem/crypto';
import { readMeta } from '@tandem/workspace';
import * as Y from 'yjs';

export const BACKUP_FORMAT_VERSION = 1;
export const BACKUP_PURPOSE = 'tandem-backup/1';
export const BACKUP_FILE_EXTENSION = '.tandem';
/** Larger files are refused before any work: a real bilan is well under a megabyte. */
export const MAX_BACKUP_BYTES = 64 * 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_TITLE_CHARS = 200;

export interface BackupHeader {
  readonly bilanId: string;
  readonly title: string;
  readonly exportedAt: number;
}

export interface OpenedBackup extends BackupHeader {
  /** A fresh document holding the bilan, connected to nothing. */
  readonly doc: Y.Doc;
}

export type BackupError =
  'not-a-backup' | 'too-large' | 'unsupported-version' | 'wrong-passphrase-or-modified' | 'damaged';

export type BackupResult =
  | { readonly ok: true; readonly value: OpenedBackup }
  | { readonly ok: false; readonly error: BackupError };

/** The backup file's bytes (slow: Argon2id). Throws RangeError for an empty passphrase. */
export async function createBackup(
  doc: Y.Doc,
  input: { readonly title: string; readonly now: number; readonly passphrase: string },
): Promise<Uint8Array> {
  const bilanId = readMeta(doc).bilanId;
  if (bilanId === null) throw new Error('the document has no bilan id');
  const header = { bilanId, title: input.title.slice(0, MAX_TITLE_CHARS), exportedAt: input.now };
  const plaintext = encodeBackupPlaintext(header, Y.encodeStateAsUpdate(doc));
  return sealWithPassphrase(input.passphrase, plaintext, BACKUP_PURPOSE);
}

export function encodeBackupPlaintext(header: BackupHeader, update: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(
    JSON.stringify({
      format: 'tandem-backup',
      version: BACKUP_FORMAT_VERSION,
      bilanId: header.bilanId,
      title: header.title,
      exportedAt: header.exportedAt,
    }),
  );
  const bytes = new Uint8Array(1 + 4 + json.length + update.length);
  bytes[0] = BACKUP_FORMAT_VERSION;
  new DataView(bytes.buffer).setUint32(1, json.length);
  bytes.set(json, 5);
  bytes.set(update, 5 + json.length);
  return bytes;
}

/** Cheap check before asking for a passphrase. */
export function looksLikeBackup(bytes: Uint8Array): boolean {
  return isPassphraseBox(bytes);
}

export async function openBackup(bytes: Uint8Array, passphrase: string): Promise<BackupResult> {
  if (bytes.length > MAX_BACKUP_BYTES) return { ok: false, error: 'too-large' };
  if (!isPassphraseBox(bytes)) return { ok: false, error: 'not-a-backup' };
  const opened = await openWithPassphrase(passphrase, bytes, BACKUP_PURPOSE);
  if (!opened.ok) {
    if (opened.error === 'not-sealed') return { ok: false, error: 'not-a-backup' };
    if (opened.error === 'unsupported-version') return { ok: false, error: 'unsupported-version' };
    if (opened.error === 'unsupported-parameters') return { ok: false, error: 'damaged' };
    return { ok: false, error: 'wrong-passphrase-or-modified' };
  }
  return decodeBackupPlaintext(opened.plaintext);
}

/** Parses the opened plaintext: header, then the Yjs state, which must be this bilan's. */
export function decodeBackupPlaintext(bytes: Uint8Array): BackupResult {
  if (bytes.length < 5) return { ok: false, error: 'damaged' };
  if (bytes[0] !== BACKUP_FORMAT_VERSION) return { ok: false, error: 'unsupported-version' };
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (length > MAX_HEADER_BYTES || 5 + length > bytes.length) {
    return { ok: false, error: 'damaged' };
  }
  const header = parseHeader(bytes.subarray(5, 5 + length));
  if (!header) return { ok: false, error: 'damaged' };
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, bytes.subarray(5 + length));
  } catch {
    doc.destroy();
    return { ok: false, error: 'damaged' };
  }
  if (readMeta(doc).bilanId !== header.bilanId) {
    doc.destroy();
    return { ok: false, error: 'damaged' };
  }
  return { ok: true, value: { ...header, doc } };
}

function parseHeader(bytes: Uint8Array): BackupHeader | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.format !== 'tandem-backup' || v.version !== BACKUP_FORMAT_VERSION) return null;
  if (typeof v.bilanId !== 'string' || typeof v.title !== 'string') return null;
  if (typeof v.exportedAt !== 'number' || !Number.isFinite(v.exportedAt)) return null;
  return { bilanId: v.bilanId, title: v.title.slice(0, MAX_TITLE_CHARS), exportedAt: v.exportedAt };
}
