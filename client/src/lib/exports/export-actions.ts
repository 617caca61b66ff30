/**
 * What the export buttons do: build the export model in the reader's language, render the
 * format (PDF and DOCX renderers load only when asked for), and hand the file to the browser.
 * The same functions serve the live bilan and a personal copy.
 */
import { createBackup, BACKUP_FILE_EXTENSION } from '@tandem/sync';
import { followUpDate, readMeta } from '@tandem/workspace';
import type * as Y from 'yjs';
import type { Locale } from '../locale.svelte.ts';
import { now } from '../clock.ts';
import { downloadFile, fileNameFor, MIME } from './download.ts';
import { toMarkdown } from './markdown.ts';
import { buildExportDocument, type ExportDocument } from './model.ts';
import { followUpIcs } from './ics.ts';

export type ExportFormat = 'pdf' | 'docx' | 'markdown';

export interface ExportContext {
  readonly doc: Y.Doc;
  readonly locale: Locale;
  /** From the workspace's validationState, or 'none' for a copy that cannot be checked. */
  readonly validation: { readonly state: 'none' | 'valid' | 'stale'; readonly at: number | null };
}

function exportDocument(context: ExportContext, at: number): ExportDocument {
  const { locale } = context;
  return buildExportDocument(context.doc, {
    labels: locale.t.exportDoc,
    validation: context.validation,
    now: at,
    formatDate: (ms) => locale.date(ms),
    formatIsoDate: (iso) => locale.date(Date.parse(`${iso}T12:00:00Z`)),
  });
}

function baseName(context: ExportContext): string {
  const meta = readMeta(context.doc);
  return `synthese ${meta.beneficiary?.name ?? ''}`;
}

/** Renders and downloads one format; returns the file name. */
export async function exportAs(context: ExportContext, format: ExportFormat): Promise<string> {
  const at = now();
  const document = exportDocument(context, at);
  const base = baseName(context);
  if (format === 'markdown') {
    const name = fileNameFor(base, at, '.md');
    downloadFile(toMarkdown(document), name, MIME.markdown);
    return name;
  }
  if (format === 'docx') {
    const { toDocx } = await import('./docx.ts');
    const name = fileNameFor(base, at, '.docx');
    downloadFile(toDocx(document, at), name, MIME.docx);
    return name;
  }
  const { toPdf } = await import('./pdf.ts');
  const name = fileNameFor(base, at, '.pdf');
  downloadFile(await toPdf(document, at), name, MIME.pdf);
  return name;
}

/** The follow-up interview as a calendar file; null while the bilan has not ended. */
export function exportFollowUp(doc: Y.Doc, locale: Locale): string | null {
  const meta = readMeta(doc);
  const date = followUpDate(meta);
  if (date === null || meta.bilanId === null) return null;
  const at = now();
  const t = locale.t.closure.exports;
  const ics = followUpIcs({
    uid: `suivi-${meta.bilanId}@tandem`,
    date,
    summary: t.icsSummary,
    description: t.icsDescription(meta.counsellor?.name ?? ''),
    now: at,
  });
  const name = fileNameFor('entretien de suivi', date, '.ics');
  downloadFile(ics, name, MIME.ics);
  return name;
}

/** The encrypted backup (Argon2id: takes a second or two). */
export async function exportBackup(doc: Y.Doc, passphrase: string, title: string): Promise<string> {
  const at = now();
  const bytes = await createBackup(doc, { title, now: at, passphrase });
  const name = fileNameFor(`sauvegarde ${title}`, at, BACKUP_FILE_EXTENSION);
  downloadFile(bytes, name, MIME.backup);
  return name;
}
