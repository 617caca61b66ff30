/**
 * Hands a file to the browser as a download: a Blob URL on a temporary `a[download]`.
 * No inline script and no data: URL, so it works under the relay's strict CSP.
 */
export function downloadFile(bytes: Uint8Array | string, fileName: string, type: string): void {
  const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
  const url = URL.createObjectURL(new Blob([part], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers read the URL after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name from a title: letters, digits and dashes only, accents kept out. */
export function fileNameFor(title: string, date: number, extension: string): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 60);
  const day = new Date(date).toISOString().slice(0, 10);
  return `${slug || 'bilan'}-${day}${extension}`;
}

export const MIME = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  markdown: 'text/markdown;charset=utf-8',
  ics: 'text/calendar;charset=utf-8',
  backup: 'application/octet-stream',
} as const;
