/**
 * The synthesis as a printable PDF (A4), built with pdf-lib. This module is imported only
 * when the PDF is asked for, so pdf-lib stays out of the workspace's bundle.
 *
 * Fonts are the PDF standard fonts (Helvetica family, WinAnsi): nothing to embed or fetch,
 * and every French character is covered. A character outside WinAnsi (an emoji, an arrow)
 * is printed as a close ASCII form or '?', never dropped silently.
 */
import {
  beginText,
  endText,
  moveText,
  PDFDocument,
  PDFFont,
  PDFName,
  PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rgb,
  setFillingRgbColor,
  setFontAndSize,
  showText,
  StandardFonts,
  type RGB,
} from 'pdf-lib';
import type { Block, ExportDocument, Run } from './model.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const FOOTER = 28;
const BODY_SIZE = 10.5;
const LEADING = 1.38;
const INK = rgb(0.09, 0.1, 0.12);
const MUTED = rgb(0.29, 0.32, 0.38);
const ACCENT = rgb(0.11, 0.23, 0.54);
const NOTICE_BG = rgb(0.9, 0.93, 0.99);

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  italic: PDFFont;
  boldItalic: PDFFont;
}

interface Piece {
  text: string;
  font: PDFFont;
  color: RGB;
}

const REPLACEMENTS: Record<string, string> = {
  '\u00a0': ' ',
  '\u202f': ' ',
  '\u2009': ' ',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2212': '-',
  '\u2011': '-',
  '\u2010': '-',
  '\u2713': 'v',
  '\u2714': 'v',
  '\u00ad': '',
};

/** Text the standard fonts can print: unsupported characters replaced. */
export function winAnsiText(text: string, supported: ReadonlySet<number>): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\n' || char === '\t' || supported.has(code)) out += char === '\t' ? ' ' : char;
    else out += REPLACEMENTS[char] ?? (code < 0x20 ? '' : '?');
  }
  return out;
}

class Layout {
  private page!: PDFPage;
  private y = 0;
  private readonly pages: PDFPage[] = [];
  private readonly supported: ReadonlySet<number>;
  private readonly width = A4[0] - 2 * MARGIN;
  private readonly fontKeys = new Map<PDFPage, Map<PDFFont, PDFName>>();

  constructor(
    private readonly pdf: PDFDocument,
    private readonly fonts: Fonts,
  ) {
    this.supported = new Set(fonts.regular.getCharacterSet());
    this.newPage();
  }

  get allPages(): readonly PDFPage[] {
    return this.pages;
  }

  private newPage(): void {
    this.page = this.pdf.addPage(A4);
    this.pages.push(this.page);
    this.y = A4[1] - MARGIN;
  }

  private ensure(height: number): void {
    if (this.y - height < MARGIN + FOOTER) this.newPage();
  }

  space(points: number): void {
    this.y -= points;
  }

  clean(text: string): string {
    return winAnsiText(text, this.supported);
  }

  /** Lays out styled pieces, wrapping at word boundaries, onto as many pages as needed. */
  text(
    pieces: readonly Piece[],
    options: { size?: number; indent?: number; keepWithNext?: number } = {},
  ): void {
    const size = options.size ?? BODY_SIZE;
    const indent = options.indent ?? 0;
    const lines = this.wrap(pieces, size, this.width - indent);
    const lineHeight = size * LEADING;
    lines.forEach((line, index) => {
      this.ensure(lineHeight + (index === 0 ? (options.keepWithNext ?? 0) : 0));
      this.drawLine(line, MARGIN + indent, this.y - size, size);
      this.y -= lineHeight;
    });
  }

  /**
   * One line in one text object, switching font and colour between pieces: the viewer then
   * advances with its own glyph widths, so a viewer that substitutes a metric-compatible
   * font never makes two pieces touch or overlap.
   */
  private drawLine(line: readonly Piece[], x: number, baseline: number, size: number): void {
    const operators = [pushGraphicsState(), beginText(), moveText(x, baseline)];
    for (const piece of line) {
      if (piece.text === '') continue;
      const { red, green, blue } = piece.color;
      operators.push(
        setFillingRgbColor(red, green, blue),
        setFontAndSize(this.fontKey(piece.font), size),
        showText(piece.font.encodeText(piece.text)),
      );
    }
    operators.push(endText(), popGraphicsState());
    this.page.pushOperators(...operators);
  }

  private fontKey(font: PDFFont): PDFName {
    let keys = this.fontKeys.get(this.page);
    if (!keys) {
      keys = new Map();
      this.fontKeys.set(this.page, keys);
    }
    let key = keys.get(font);
    if (!key) {
      key = this.page.node.newFontDictionary(font.name, font.ref);
      keys.set(font, key);
    }
    return key;
  }

  private wrap(pieces: readonly Piece[], size: number, width: number): Piece[][] {
    const lines: Piece[][] = [[]];
    let lineWidth = 0;
    const push = (piece: Piece) => {
      const line = lines[lines.length - 1]!;
      const last = line[line.length - 1];
      if (last && last.font === piece.font && last.color === piece.color) last.text += piece.text;
      else line.push({ ...piece });
    };
    for (const piece of pieces) {
      const text = this.clean(piece.text);
      for (const [i, paragraphLine] of text.split('\n').entries()) {
        if (i > 0) {
          lines.push([]);
          lineWidth = 0;
        }
        for (const token of paragraphLine.split(/(\s+)/)) {
          if (token === '') continue;
          const isSpace = /^\s+$/.test(token);
          const w = piece.font.widthOfTextAtSize(token, size);
          if (isSpace) {
            if (lineWidth === 0) continue; // no leading spaces on a wrapped line
            push({ ...piece, text: ' ' });
            lineWidth += piece.font.widthOfTextAtSize(' ', size);
            continue;
          }
          if (lineWidth + w > width && lineWidth > 0) {
            const line = lines[lines.length - 1]!;
            const last = line[line.length - 1];
            if (last) last.text = last.text.replace(/\s+$/, '');
            lines.push([]);
            lineWidth = 0;
          }
          // A single word wider than the line is cut where it must be.
          let rest = token;
          while (piece.font.widthOfTextAtSize(rest, size) > width) {
            let cut = rest.length - 1;
            while (cut > 1 && piece.font.widthOfTextAtSize(rest.slice(0, cut), size) > width) cut--;
            push({ ...piece, text: rest.slice(0, cut) });
            lines.push([]);
            lineWidth = 0;
            rest = rest.slice(cut);
          }
          push({ ...piece, text: rest });
          lineWidth += piece.font.widthOfTextAtSize(rest, size);
        }
      }
    }
    return lines;
  }

  heading(text: string, size: number, color: RGB = ACCENT): void {
    this.space(size * 0.6);
    this.text([{ text, font: this.fonts.bold, color }], { size, keepWithNext: BODY_SIZE * 3 });
    this.space(size * 0.2);
  }

  notice(text: string): void {
    const size = 9.5;
    const lines = this.wrap(
      [{ text, font: this.fonts.italic, color: INK }],
      size,
      this.width - 20,
    ).length;
    const height = lines * size * LEADING + 14;
    this.ensure(height);
    this.page.drawRectangle({
      x: MARGIN,
      y: this.y - height,
      width: this.width,
      height,
      color: NOTICE_BG,
      borderColor: ACCENT,
      borderWidth: 0,
    });
    this.page.drawRectangle({ x: MARGIN, y: this.y - height, width: 3, height, color: ACCENT });
    this.space(7);
    this.text([{ text, font: this.fonts.italic, color: INK }], { size, indent: 12 });
    this.space(7 + 6);
  }

  rule(): void {
    this.ensure(12);
    this.page.drawLine({
      start: { x: MARGIN, y: this.y - 4 },
      end: { x: A4[0] - MARGIN, y: this.y - 4 },
      thickness: 0.6,
      color: MUTED,
    });
    this.space(12);
  }

  footer(confidential: string, pageLabel: (n: number, total: number) => string): void {
    const total = this.pages.length;
    const size = 8;
    this.pages.forEach((page, index) => {
      const label = this.clean(pageLabel(index + 1, total));
      const left = this.clean(confidential);
      page.drawText(left, {
        x: MARGIN,
        y: MARGIN - 4,
        size,
        font: this.fonts.italic,
        color: MUTED,
      });
      const w = this.fonts.regular.widthOfTextAtSize(label, size);
      page.drawText(label, {
        x: A4[0] - MARGIN - w,
        y: MARGIN - 4,
        size,
        font: this.fonts.regular,
        color: MUTED,
      });
    });
  }
}

function pieces(runs: readonly Run[], fonts: Fonts): Piece[] {
  return runs.flatMap((run): Piece[] => {
    const font =
      run.bold && run.italic
        ? fonts.boldItalic
        : run.bold
          ? fonts.bold
          : run.italic
            ? fonts.italic
            : fonts.regular;
    const piece = { text: run.text, font, color: run.href ? ACCENT : INK };
    // On paper a link is its address: print it after the words when they differ.
    return run.href && run.href !== run.text.trim()
      ? [piece, { text: ` (${run.href})`, font: fonts.regular, color: MUTED }]
      : [piece];
  });
}

function drawBlocks(layout: Layout, blocks: readonly Block[], fonts: Fonts, indent = 0): void {
  for (const block of blocks) {
    switch (block.kind) {
      case 'paragraph':
        layout.text(pieces(block.runs, fonts), { indent });
        layout.space(4);
        break;
      case 'heading':
        layout.space(4);
        layout.text(
          block.runs.map((r) => ({ text: r.text, font: fonts.bold, color: INK })),
          { size: block.level === 3 ? 12 : 11, indent, keepWithNext: BODY_SIZE * 2 },
        );
        layout.space(2);
        break;
      case 'list':
        block.items.forEach((item, index) => {
          const marker = block.ordered ? `${index + 1}.` : '•';
          const [first, ...rest] = item;
          const lead: Piece = { text: `${marker} `, font: fonts.regular, color: INK };
          if (first?.kind === 'paragraph') {
            layout.text([lead, ...pieces(first.runs, fonts)], { indent: indent + 10 });
            drawBlocks(layout, rest, fonts, indent + 22);
          } else {
            layout.text([lead], { indent: indent + 10 });
            drawBlocks(layout, item, fonts, indent + 22);
          }
          layout.space(2);
        });
        layout.space(3);
        break;
    }
  }
}

/** The PDF file's bytes. */
export async function toPdf(document: ExportDocument, now: number): Promise<Uint8Array> {
  const { labels } = document;
  const pdf = await PDFDocument.create();
  pdf.setTitle(document.title);
  pdf.setCreator('Tandem');
  pdf.setProducer('Tandem');
  pdf.setLanguage('fr-FR');
  pdf.setCreationDate(new Date(now));
  pdf.setModificationDate(new Date(now));
  const fonts: Fonts = {
    regular: await pdf.embedFont(StandardFonts.Helvetica),
    bold: await pdf.embedFont(StandardFonts.HelveticaBold),
    italic: await pdf.embedFont(StandardFonts.HelveticaOblique),
    boldItalic: await pdf.embedFont(StandardFonts.HelveticaBoldOblique),
  };
  const layout = new Layout(pdf, fonts);

  layout.text([{ text: document.title, font: fonts.bold, color: INK }], { size: 20 });
  layout.space(8);
  layout.notice(labels.confidential);
  for (const fact of document.facts) {
    layout.text([
      { text: `${fact.label} : `, font: fonts.bold, color: MUTED },
      { text: fact.value, font: fonts.regular, color: INK },
    ]);
  }
  layout.space(4);
  layout.text([
    { text: document.status, font: fonts.boldItalic, color: document.final ? ACCENT : MUTED },
  ]);
  layout.space(6);
  layout.rule();

  document.sections.forEach((section, index) => {
    layout.heading(`${index + 1}. ${section.title}`, 15);
    if (section.blocks.length === 0) {
      layout.text([{ text: labels.emptySection, font: fonts.italic, color: MUTED }]);
    } else {
      drawBlocks(layout, section.blocks, fonts);
    }
  });

  if (document.observations.length > 0) {
    layout.heading(labels.observations, 15);
    for (const observation of document.observations) {
      layout.text([
        { text: `${observation.about} : `, font: fonts.bold, color: MUTED },
        { text: observation.text, font: fonts.regular, color: INK },
      ]);
      layout.space(3);
    }
  }

  layout.heading(labels.actionPlan, 15);
  if (document.actionPlan.length === 0) {
    layout.text([{ text: labels.emptyActionPlan, font: fonts.italic, color: MUTED }]);
  }
  document.actionPlan.forEach((row, index) => {
    layout.space(4);
    layout.text(
      [
        {
          text: `${index + 1}. ${row.objective.trim() || labels.none}`,
          font: fonts.bold,
          color: INK,
        },
      ],
      { size: 11.5, keepWithNext: BODY_SIZE * 2 },
    );
    for (const fact of row.facts) {
      layout.text(
        [
          { text: `${fact.label} : `, font: fonts.bold, color: MUTED },
          { text: fact.value, font: fonts.regular, color: INK },
        ],
        { indent: 12 },
      );
    }
  });

  layout.space(10);
  layout.notice(labels.confidential);
  layout.footer(labels.confidentialShort, labels.page);
  return pdf.save();
}
