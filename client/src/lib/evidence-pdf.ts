/**
 * The evidence PDF: page 1 the certificat de réalisation, then the attendance sheet
 * (feuille d'émargement), drawn with pdf-lib and its standard Helvetica (WinAnsi: covers
 * French accents; anything outside it is transliterated, never dropped silently).
 * Built only from a certified evidence record: nothing of the bilan's content can reach it.
 * Loaded on demand (dynamic import) so pdf-lib stays out of the first screens.
 */
import {
  SURVEYS,
  type CertifiedEvidence,
  type CertifiedSession,
  type PhaseId,
  type Role,
} from '@tandem/workspace';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { MESSAGES, type Lang } from '../i18n/index.ts';
import { formatDuration } from './duration.ts';

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = 50;
const FOOTER_Y = 30;
const CONTENT_BOTTOM = 70;
const INK = rgb(0.09, 0.1, 0.12);
const MUTED = rgb(0.29, 0.32, 0.38);
const RULE = rgb(0.75, 0.78, 0.82);
const HEADER_FILL = rgb(0.93, 0.94, 0.95);
const FLAGGED_FILL = rgb(0.99, 0.93, 0.92);

type Text = (typeof MESSAGES)['fr']['evidencePdf'] & {
  readonly phases: (typeof MESSAGES)['fr']['phases'];
  readonly modes: (typeof MESSAGES)['fr']['modes'];
};

interface Fonts {
  readonly regular: PDFFont;
  readonly bold: PDFFont;
}

/** Renders the certified evidence; `issuedAt` dates the certificate. */
export async function renderEvidencePdf(
  certified: CertifiedEvidence,
  lang: Lang,
  issuedAt: number,
): Promise<Uint8Array> {
  const messages = MESSAGES[lang];
  const t: Text = { ...messages.evidencePdf, phases: messages.phases, modes: messages.modes };
  const pdf = await PDFDocument.create();
  const fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
  };
  const safe = winAnsi(fonts.regular);
  pdf.setTitle(safe(t.documentTitle));
  pdf.setSubject(safe(t.subtitle));
  pdf.setLanguage(lang === 'fr' ? 'fr-FR' : 'en-GB');
  pdf.setCreator('Tandem');
  pdf.setProducer('Tandem');
  pdf.setCreationDate(new Date(issuedAt));
  pdf.setModificationDate(new Date(issuedAt));

  const writer = new Writer(pdf, fonts, safe);
  const format = formatters(lang);
  drawCertificate(writer, certified, t, format, issuedAt);
  writer.newPage();
  drawAttendanceSheet(writer, certified, t, format);
  if (certified.evidence.satisfaction.length > 0) {
    writer.newPage();
    drawSatisfaction(writer, certified.evidence, messages.closure.satisfaction, format);
  }
  writer.footers((n, total) => [t.footer(certified.evidence.bilanId), t.page(n, total)]);
  return pdf.save();
}

/** The beneficiary's satisfaction answers (à chaud, à froid): evidence, not content. */
function drawSatisfaction(
  w: Writer,
  evidence: CertifiedEvidence['evidence'],
  t: (typeof MESSAGES)['fr']['closure']['satisfaction'],
  format: Formatters,
): void {
  w.paragraph(t.title, { font: 'bold', size: 16 });
  w.space(8);
  for (const response of evidence.satisfaction) {
    w.paragraph(`${t.surveys[response.survey]} — ${format.longDate(response.at)}`, {
      font: 'bold',
      size: 12,
    });
    w.space(4);
    w.keyValues(
      SURVEYS[response.survey].map((question) => {
        const answer = response.answers[question.id];
        const label = t.questions[question.id as keyof typeof t.questions] ?? question.id;
        const value =
          typeof answer === 'number'
            ? t.scale(answer)
            : (t.outcomes[answer as keyof typeof t.outcomes] ?? String(answer));
        return [label, value] as const;
      }),
    );
    if (response.comment) w.keyValues([[t.comment, response.comment]]);
    w.space(10);
  }
}

function formatters(lang: Lang) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const date = new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  });
  const longDate = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  const time = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return {
    date: (ms: number) => date.format(ms),
    longDate: (ms: number) => longDate.format(ms),
    time: (ms: number) => time.format(ms),
    isoDate: (iso: string) => longDate.format(new Date(`${iso}T12:00:00`)),
  };
}

type Formatters = ReturnType<typeof formatters>;

function drawCertificate(
  w: Writer,
  certified: CertifiedEvidence,
  t: Text,
  format: Formatters,
  issuedAt: number,
): void {
  const { evidence, certified: totals } = certified;
  const sessions = evidence.sessions;
  const counsellor = evidence.counsellor.name;
  const beneficiary = evidence.beneficiary?.name ?? t.notJoined;
  const first = sessions[0];
  const last = sessions[sessions.length - 1];
  const total = formatDuration(totals.seconds);

  w.paragraph(t.title, { font: 'bold', size: 20 });
  w.paragraph(t.subtitle, { size: 10.5, color: MUTED });
  w.space(14);
  w.keyValues([
    [t.beneficiary, beneficiary],
    [t.counsellor, counsellor],
    [t.reference, evidence.bilanId],
    [t.convention, evidence.conventionDate ? format.isoDate(evidence.conventionDate) : t.notSet],
    [
      t.period,
      first && last
        ? t.periodRange(format.longDate(first.startedAt), format.longDate(last.endedAt))
        : t.noSession,
    ],
    [t.contracted, formatDuration(evidence.hourCapSeconds)],
    [t.realised, total],
    [t.sessions, t.sessionsCount(sessions.length, certified.signedCount)],
    ...(evidence.endedAt !== null
      ? ([[t.endedLabel, format.longDate(evidence.endedAt)]] as [string, string][])
      : []),
  ]);
  w.space(8);
  w.paragraph(t.breakdown, { font: 'bold', size: 12 });
  w.space(4);
  w.paragraph(t.byPhase, { font: 'bold', size: 10, color: MUTED });
  w.keyValues(
    (['preliminaire', 'investigation', 'conclusion'] as const).map((phase) => [
      t.phases[phase],
      formatDuration(totals.byPhase[phase]),
    ]),
    'regular',
  );
  w.space(4);
  w.paragraph(t.byMode, { font: 'bold', size: 10, color: MUTED });
  w.keyValues(
    (['presentiel', 'distanciel'] as const).map((mode) => [
      t.modes[mode],
      formatDuration(totals.byMode[mode]),
    ]),
    'regular',
  );
  if (certified.flaggedCount > 0) {
    w.space(4);
    w.paragraph(t.flaggedSummary(certified.flaggedCount), { size: 9.5, color: MUTED });
  }
  w.space(16);
  w.paragraph(t.attestation(counsellor, beneficiary, total), { size: 11, lineGap: 4 });
  w.space(10);
  w.paragraph(t.issued(format.longDate(issuedAt)), { size: 11 });
  w.space(18);
  w.signatureBoxes([t.counsellorSignature(counsellor), t.providerSignature]);
  w.space(14);
  w.paragraph(t.noContent, { size: 9, color: MUTED });
}

const COLUMNS = [
  { key: 'index', width: 22 },
  { key: 'date', width: 58 },
  { key: 'start', width: 34 },
  { key: 'end', width: 34 },
  { key: 'duration', width: 60 },
  { key: 'phase', width: 66 },
  { key: 'mode', width: 58 },
  { key: 'counsellor', width: 81 },
  { key: 'beneficiary', width: 82 },
] as const;

function drawAttendanceSheet(
  w: Writer,
  certified: CertifiedEvidence,
  t: Text,
  format: Formatters,
): void {
  const { evidence } = certified;
  w.paragraph(t.sheetTitle, { font: 'bold', size: 16 });
  w.paragraph(t.sheetParties(evidence.beneficiary?.name ?? t.notJoined, evidence.counsellor.name), {
    size: 10,
    color: MUTED,
  });
  w.paragraph(t.timesNote, { size: 9, color: MUTED });
  w.space(8);
  const header = COLUMNS.map((c) => t.columns[c.key]);
  const rows = certified.sessions.map((entry, i) => ({
    cells: sessionCells(entry, i, t, format),
    flagged: entry.state === 'flagged',
  }));
  w.table(
    COLUMNS.map((c) => c.width),
    header,
    rows,
  );
  w.space(6);
  w.keyValues([[t.total, formatDuration(certified.certified.seconds)]]);
  const notes = [
    ...(certified.flaggedCount > 0 ? [t.flaggedNote] : []),
    ...(evidence.sessions.some((s) => s.end === 'timed-out') ? [t.timedOutNote] : []),
    t.signaturesNote,
    t.keys(fingerprint(evidence.counsellor.publicKey), fingerprintOf(evidence.beneficiary)),
  ];
  w.space(6);
  for (const note of notes) w.paragraph(note, { size: 8.5, color: MUTED, lineGap: 2 });
}

function sessionCells(
  entry: CertifiedSession,
  index: number,
  t: Text,
  format: Formatters,
): string[] {
  const { session } = entry;
  const counted = Math.floor(entry.countedMs / 1000);
  const duration =
    entry.state === 'flagged'
      ? `${t.excluded}`
      : formatDuration(counted) + (session.end === 'timed-out' ? ' *' : '');
  const signature = (role: Role) => t.signature[entry.signatures[role]];
  return [
    String(index + 1),
    format.date(session.startedAt),
    format.time(session.startedAt),
    format.time(session.endedAt),
    duration,
    t.phases[session.phase satisfies PhaseId],
    t.modes[session.mode],
    signature('counsellor'),
    signature('beneficiary'),
  ];
}

/** Short, readable form of a base64url public key, for the auditor to compare. */
function fingerprint(publicKey: string): string {
  return (publicKey.slice(0, 16).match(/.{1,4}/g) ?? []).join(' ');
}

function fingerprintOf(party: { publicKey: string } | null): string {
  return party ? fingerprint(party.publicKey) : '—';
}

/** Latin letters with a stroke, which Unicode does not decompose into letter + accent. */
const STROKED: Readonly<Record<string, string>> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  Ŧ: 'T',
  ŧ: 't',
  ı: 'i',
  Ŀ: 'L',
  ŀ: 'l',
};

/** A text filter to what the font can draw: accents kept, other letters transliterated. */
function winAnsi(font: PDFFont): (text: string) => string {
  const supported = new Set(font.getCharacterSet());
  const keep = (ch: string) => supported.has(ch.codePointAt(0) ?? -1);
  return (text) =>
    Array.from(text.normalize('NFC'), (ch) => {
      if (keep(ch)) return ch;
      if (/\s/u.test(ch)) return ' ';
      const stripped = STROKED[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
      return stripped !== '' && Array.from(stripped).every(keep) ? stripped : '?';
    }).join('');
}

interface ParagraphOptions {
  font?: keyof Fonts;
  size?: number;
  color?: ReturnType<typeof rgb>;
  lineGap?: number;
}

/** A top-to-bottom flow of text on A4 pages, with wrapping and page breaks. */
class Writer {
  private page: PDFPage;
  private y = 0;
  private readonly width = PAGE.width - 2 * MARGIN;

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Fonts,
    private readonly safe: (text: string) => string,
  ) {
    this.page = this.addPage();
  }

  private addPage(): PDFPage {
    const page = this.pdf.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
    return page;
  }

  newPage(): void {
    this.page = this.addPage();
  }

  space(points: number): void {
    this.y -= points;
  }

  private ensure(height: number): boolean {
    if (this.y - height >= CONTENT_BOTTOM) return false;
    this.newPage();
    return true;
  }

  paragraph(text: string, options: ParagraphOptions = {}): void {
    const font = this.fonts[options.font ?? 'regular'];
    const size = options.size ?? 10;
    const lineHeight = size * 1.25 + (options.lineGap ?? 0);
    for (const line of this.wrap(text, font, size, this.width)) {
      this.ensure(lineHeight);
      this.y -= lineHeight;
      this.page.drawText(line, {
        x: MARGIN,
        y: this.y + (lineHeight - size) / 2,
        size,
        font,
        color: options.color ?? INK,
      });
    }
  }

  /** Label/value lines, labels in a column on the left. */
  keyValues(pairs: readonly (readonly [string, string])[], labelFont: keyof Fonts = 'bold'): void {
    const size = 10.5;
    const labelWidth = 170;
    for (const [label, value] of pairs) {
      const labelLines = this.wrap(label, this.fonts[labelFont], size, labelWidth - 10);
      const valueLines = this.wrap(value, this.fonts.regular, size, this.width - labelWidth);
      const lines = Math.max(labelLines.length, valueLines.length);
      const lineHeight = size * 1.35;
      this.ensure(lines * lineHeight + 4);
      labelLines.forEach((line, i) =>
        this.page.drawText(line, {
          x: MARGIN,
          y: this.y - (i + 1) * lineHeight + 3,
          size,
          font: this.fonts[labelFont],
          color: INK,
        }),
      );
      valueLines.forEach((line, i) =>
        this.page.drawText(line, {
          x: MARGIN + labelWidth,
          y: this.y - (i + 1) * lineHeight + 3,
          size,
          font: this.fonts.regular,
          color: INK,
        }),
      );
      this.y -= lines * lineHeight + 4;
    }
  }

  signatureBoxes(labels: readonly string[]): void {
    const gap = 20;
    const boxWidth = (this.width - gap * (labels.length - 1)) / labels.length;
    const height = 80;
    this.ensure(height + 20);
    labels.forEach((label, i) => {
      const x = MARGIN + i * (boxWidth + gap);
      const lines = this.wrap(label, this.fonts.regular, 9, boxWidth - 12);
      lines.forEach((line, j) =>
        this.page.drawText(line, {
          x: x + 6,
          y: this.y - 14 - j * 11,
          size: 9,
          font: this.fonts.regular,
          color: MUTED,
        }),
      );
      this.page.drawRectangle({
        x,
        y: this.y - height,
        width: boxWidth,
        height,
        borderColor: RULE,
        borderWidth: 1,
      });
    });
    this.y -= height;
  }

  /** A table whose header row is repeated on every page it spans. */
  table(
    widths: readonly number[],
    header: readonly string[],
    rows: readonly { cells: readonly string[]; flagged: boolean }[],
  ): void {
    const size = 8.5;
    const lineHeight = size * 1.3;
    const padding = 4;
    const layout = (cells: readonly string[], font: PDFFont) => {
      const lines = cells.map((cell, i) =>
        this.wrap(cell, font, size, (widths[i] ?? 40) - 2 * padding),
      );
      const height = Math.max(...lines.map((l) => l.length)) * lineHeight + 2 * padding;
      return { lines, height, font };
    };
    const draw = (row: ReturnType<typeof layout>, fill: ReturnType<typeof rgb> | null) => {
      if (fill) {
        this.page.drawRectangle({
          x: MARGIN,
          y: this.y - row.height,
          width: this.width,
          height: row.height,
          color: fill,
        });
      }
      let x = MARGIN;
      row.lines.forEach((lines, i) => {
        lines.forEach((line, j) =>
          this.page.drawText(line, {
            x: x + padding,
            y: this.y - padding - (j + 1) * lineHeight + 2.5,
            size,
            font: row.font,
            color: INK,
          }),
        );
        x += widths[i] ?? 40;
      });
      this.page.drawLine({
        start: { x: MARGIN, y: this.y - row.height },
        end: { x: MARGIN + this.width, y: this.y - row.height },
        thickness: 0.5,
        color: RULE,
      });
      this.y -= row.height;
    };
    const head = layout(header, this.fonts.bold);
    this.ensure(head.height * 2);
    draw(head, HEADER_FILL);
    for (const row of rows) {
      const body = layout(row.cells, this.fonts.regular);
      if (this.ensure(body.height)) draw(head, HEADER_FILL);
      draw(body, row.flagged ? FLAGGED_FILL : null);
    }
  }

  /** Draws `lines(n, total)` at the foot of every page. */
  footers(lines: (page: number, total: number) => readonly string[]): void {
    const pages = this.pdf.getPages();
    pages.forEach((page, i) => {
      lines(i + 1, pages.length).forEach((line, j, all) => {
        const text = this.safe(line);
        const size = 8;
        const width = this.fonts.regular.widthOfTextAtSize(text, size);
        const x = j === all.length - 1 ? PAGE.width - MARGIN - width : MARGIN;
        page.drawText(text, { x, y: FOOTER_Y, size, font: this.fonts.regular, color: MUTED });
      });
      page.drawLine({
        start: { x: MARGIN, y: FOOTER_Y + 12 },
        end: { x: PAGE.width - MARGIN, y: FOOTER_Y + 12 },
        thickness: 0.5,
        color: RULE,
      });
    });
  }

  /** Splits text into lines no wider than `maxWidth`, breaking long words if needed. */
  private wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
    const fits = (s: string) => font.widthOfTextAtSize(s, size) <= maxWidth;
    const lines: string[] = [];
    for (const paragraph of this.safe(text).split('\n')) {
      let line = '';
      for (const word of paragraph.split(' ')) {
        const candidate = line === '' ? word : `${line} ${word}`;
        if (fits(candidate)) {
          line = candidate;
          continue;
        }
        if (line !== '') lines.push(line);
        line = '';
        let rest = word;
        while (!fits(rest)) {
          let cut = rest.length - 1;
          while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
          lines.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        line = rest;
      }
      lines.push(line);
    }
    return lines;
  }
}
