/**
 * The provider's evidence (attendance sheet and certificat de réalisation) on the
 * counsellor's device: kept with `device.saveEvidence`, apart from the bilan, so it outlives
 * the destroy; exported as a PDF from the live document or from the stored record alone.
 * The PDF renderer and pdf-lib load only when an export is asked for.
 */
import type { TandemDevice } from '@tandem/sync';
import {
  certifyEvidence,
  parseEvidence,
  type EvidenceRecord,
  type VerifyRecord,
} from '@tandem/workspace';
import type { Lang } from '../i18n/index.ts';

/** Signature checks with this device's libsodium (synchronous once the device is open). */
export function verifierOf(device: TandemDevice): VerifyRecord {
  return (publicKey, record, signature) => device.verifyRecord(publicKey, record, signature);
}

/** The evidence without its build time: two records with the same facts compare equal. */
function factsOf(evidence: EvidenceRecord): string {
  return JSON.stringify({ ...evidence, updatedAt: 0 });
}

/**
 * Saves `evidence` unless its facts are those of `previousFingerprint`. Returns null when
 * there is nothing to save, else the new fingerprint and the pending write.
 */
export function saveEvidenceIfChanged(
  device: TandemDevice,
  evidence: EvidenceRecord,
  previousFingerprint: string,
): { fingerprint: string; done: Promise<void> } | null {
  const fingerprint = factsOf(evidence);
  if (fingerprint === previousFingerprint) return null;
  return { fingerprint, done: device.saveEvidence(evidence.bilanId, evidence) };
}

export type LoadEvidenceError = 'missing' | 'unreadable' | 'storage';

/** The evidence record kept on this device for `bilanId`, parsed. */
export async function loadEvidence(
  device: TandemDevice,
  bilanId: string,
): Promise<{ ok: true; value: EvidenceRecord } | { ok: false; error: LoadEvidenceError }> {
  let stored: unknown;
  try {
    stored = await device.getEvidence(bilanId);
  } catch {
    return { ok: false, error: 'storage' };
  }
  if (stored === null || stored === undefined) return { ok: false, error: 'missing' };
  const parsed = parseEvidence(stored);
  return parsed.ok ? parsed : { ok: false, error: 'unreadable' };
}

/** Every evidence record kept on this device (unreadable ones left out). */
export async function listEvidence(device: TandemDevice): Promise<EvidenceRecord[]> {
  const all = await device.listEvidence();
  return all.flatMap(({ evidence }) => {
    const parsed = parseEvidence(evidence);
    return parsed.ok ? [parsed.value] : [];
  });
}

/**
 * The PDF renderer could not be loaded — typically a new version of Tandem was deployed
 * while this tab was open: reloading the page fixes it.
 */
export class PdfModuleError extends Error {
  constructor(cause: unknown) {
    super('the PDF module could not be loaded', { cause });
    this.name = 'PdfModuleError';
  }
}

/** The evidence PDF (certificate, then attendance sheet), rendered in `lang`. */
export async function evidencePdf(
  evidence: EvidenceRecord,
  verify: VerifyRecord,
  lang: Lang,
  issuedAt = Date.now(),
): Promise<Uint8Array> {
  let renderEvidencePdf: typeof import('./evidence-pdf.ts').renderEvidencePdf;
  try {
    ({ renderEvidencePdf } = await import('./evidence-pdf.ts'));
  } catch (cause) {
    throw new PdfModuleError(cause);
  }
  return renderEvidencePdf(certifyEvidence(evidence, verify), lang, issuedAt);
}

/** A file name without names or accents: "tandem-certificat-emargement-2026-01-05.pdf". */
export function evidenceFileName(issuedAt: number): string {
  const date = new Date(issuedAt);
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `tandem-certificat-emargement-${day}.pdf`;
}

/** Offers `bytes` as a download named `fileName`. */
export function downloadBytes(bytes: Uint8Array, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the browser time to start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Renders and downloads the evidence PDF. */
export async function downloadEvidencePdf(
  evidence: EvidenceRecord,
  verify: VerifyRecord,
  lang: Lang,
): Promise<void> {
  const issuedAt = Date.now();
  const bytes = await evidencePdf(evidence, verify, lang, issuedAt);
  downloadBytes(bytes, evidenceFileName(issuedAt), 'application/pdf');
}

/**
 * For the closure screen, after the destroy: exports from the stored evidence alone.
 * Resolves to null when it worked, else why not.
 */
export async function downloadStoredEvidencePdf(
  device: TandemDevice,
  bilanId: string,
  lang: Lang,
): Promise<LoadEvidenceError | 'load' | 'render' | null> {
  const loaded = await loadEvidence(device, bilanId);
  if (!loaded.ok) return loaded.error;
  try {
    await downloadEvidencePdf(loaded.value, verifierOf(device), lang);
  } catch (error) {
    return error instanceof PdfModuleError ? 'load' : 'render';
  }
  return null;
}
