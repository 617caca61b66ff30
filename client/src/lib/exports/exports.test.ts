import { PDFDocument, PDFRawStream, PDFName } from 'pdf-lib';
import { strFromU8, unzipSync, unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { toDocx } from './docx.ts';
import { escapeIcsText, foldIcsLine, followUpIcs } from './ics.ts';
import { escapeMarkdown, toMarkdown } from './markdown.ts';
import { buildExportDocument, type ExportDocument } from './model.ts';
import { toPdf, winAnsiText } from './pdf.ts';
import { LABELS, MARKER, T0, fixtureBilan } from './test-fixture.ts';

const formatDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const formatIsoDate = (iso: string) => iso.split('-').reverse().join('/');

function exportOf(validation: { state: 'none' | 'valid' | 'stale'; at: number | null }) {
  const { doc } = fixtureBilan();
  return buildExportDocument(doc, {
    labels: LABELS,
    validation,
    now: T0,
    formatDate,
    formatIsoDate,
  });
}

/** Markdown back to the characters a reader sees: markup and escapes removed. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([\\`*_[\]<>|~#>+=\-.)])/g, '$1');
}

describe('export model', () => {
  it('reads the three sections as blocks, the observations and the action plan', () => {
    const document = exportOf({ state: 'valid', at: T0 });
    expect(document.final).toBe(true);
    expect(document.status).toBe('Version finale validée le 2026-03-02');
    expect(document.sections.map((s) => s.title)).toEqual([
      'Circonstances du bilan',
      'Compétences et aptitudes',
      'Projet',
    ]);
    const [circonstances, competences, projet] = document.sections;
    expect(circonstances?.blocks[0]).toMatchObject({ kind: 'heading', level: 3 });
    expect(circonstances?.blocks[2]).toMatchObject({
      kind: 'paragraph',
      runs: expect.arrayContaining([
        expect.objectContaining({ text: 'important', bold: true }),
        expect.objectContaining({ text: 'nuancé', italic: true }),
        expect.objectContaining({ href: 'https://www.example.org/fiche' }),
      ]),
    });
    expect(competences?.blocks[0]).toMatchObject({ kind: 'list', ordered: false });
    expect(projet?.blocks[0]).toMatchObject({ kind: 'list', ordered: true });
    expect(document.observations).toEqual([
      { about: 'Projet', text: 'Je préfère « reconversion ».' },
    ]);
    expect(document.actionPlan).toEqual([
      {
        objective: 'Financer la formation',
        facts: [
          { label: 'Action', value: 'Monter le dossier CPF' },
          { label: 'Échéance', value: '30/09/2026' },
          { label: 'Financement', value: 'CPF, Transitions Pro' },
          { label: 'Statut', value: 'En cours' },
          { label: 'Projet', value: 'Projet principal' },
        ],
      },
    ]);
  });

  it('reads a section holding only blank paragraphs (as seeded by the editor) as empty', () => {
    const { doc } = fixtureBilan();
    const fragment = doc.getXmlFragment('synthesis:circonstances');
    fragment.delete(0, fragment.length);
    fragment.insert(0, [new Y.XmlElement('paragraph')]);
    const document = buildExportDocument(doc, {
      labels: LABELS,
      validation: { state: 'none', at: null },
      now: T0,
      formatDate,
      formatIsoDate,
    });
    expect(document.sections[0]?.blocks).toEqual([]);
    expect(toMarkdown(document)).toContain('## 1. Circonstances du bilan\n\n*Section vide.*');
  });

  it('says when the text changed since it was validated', () => {
    expect(exportOf({ state: 'stale', at: T0 }).status).toBe('Modifiée depuis la validation');
    expect(exportOf({ state: 'none', at: null }).final).toBe(false);
  });
});

describe('Markdown', () => {
  it('escapes anything that would read as markup, and reads back as the same text', () => {
    const samples = ['# titre', '1. liste', '- tiret', 'a*b_c [d](e) <b> `x` \\ |t| ~s~', '> cite'];
    for (const sample of samples) {
      const escaped = escapeMarkdown(sample);
      expect(escaped).not.toBe(sample);
      expect(unescapeMarkdown(escaped)).toBe(sample);
    }
  });

  it('prints the title, notice, sections in order, marks, lists, observations and plan', () => {
    const markdown = toMarkdown(exportOf({ state: 'valid', at: T0 }));
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# Document de synthèse',
      '## 1. Circonstances du bilan',
      '### Origine de la demande',
      '## 2. Compétences et aptitudes',
      '## 3. Projet',
      '## Observations du/de la bénéficiaire',
      "## Plan d'action",
      '### 1. Financer la formation',
    ]);
    expect(markdown).toContain(`> ${LABELS.confidential}`);
    expect(markdown).toContain(MARKER);
    expect(markdown).toContain('Un point **important** et un autre *nuancé*.');
    expect(markdown).toContain('[la fiche métier](<https://www.example.org/fiche>)');
    expect(markdown).toContain('- Savoir-être : patience \\* rigueur');
    expect(markdown).toContain('Ligne un  \nLigne deux');
    expect(markdown).toContain('1. CAP ébéniste en 2027\n2. Stage en atelier');
    expect(markdown).toContain('\\# pas un titre, \\<b\\>pas du HTML\\</b\\> & “guillemets”');
    expect(markdown).toContain('- **Financement** : CPF, Transitions Pro');
    expect(markdown).toContain('*Version finale validée le 2026-03-02*');
  });
});

function docxParts(bytes: Uint8Array): Record<string, string> {
  const files = unzipSync(bytes);
  return Object.fromEntries(Object.entries(files).map(([name, data]) => [name, strFromU8(data)]));
}

/** The text of each paragraph of document.xml, as Word would show it. */
function docxParagraphs(xml: string): string[] {
  const decode = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  return [...xml.matchAll(/<w:p>(.*?)<\/w:p>/g)].map(([, body]) =>
    [...(body ?? '').matchAll(/<w:t[^>]*>(.*?)<\/w:t>|<w:br\/>/g)]
      .map(([tag, t]) => (tag === '<w:br/>' ? '\n' : decode(t ?? '')))
      .join(''),
  );
}

describe('DOCX', () => {
  const document = exportOf({ state: 'valid', at: T0 });
  const parts = docxParts(toDocx(document, T0));

  it('is a complete OOXML package', () => {
    expect(Object.keys(parts).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'docProps/core.xml',
      'word/_rels/document.xml.rels',
      'word/document.xml',
      'word/numbering.xml',
      'word/styles.xml',
    ]);
    expect(parts['[Content_Types].xml']).toContain('wordprocessingml.document.main+xml');
    expect(parts['docProps/core.xml']).toContain('<dc:title>Document de synthèse</dc:title>');
  });

  it('holds every paragraph with its text, styles, lists and the link', () => {
    const xml = parts['word/document.xml'] ?? '';
    const paragraphs = docxParagraphs(xml);
    expect(paragraphs[0]).toBe('Document de synthèse');
    expect(paragraphs[1]).toBe(LABELS.confidential);
    expect(paragraphs).toContain(MARKER);
    expect(paragraphs).toContain('Un point important et un autre nuancé. Voir la fiche métier.');
    expect(paragraphs).toContain('Ligne un\nLigne deux');
    expect(paragraphs).toContain('# pas un titre, <b>pas du HTML</b> & “guillemets” → flèche 🙂');
    expect(paragraphs).toContain('Financement : CPF, Transitions Pro');
    expect(paragraphs.filter((p) => /^\d\. /.test(p)).slice(0, 3)).toEqual([
      '1. Circonstances du bilan',
      '2. Compétences et aptitudes',
      '3. Projet',
    ]);
    expect(xml).toContain('<w:pStyle w:val="Heading1"/>');
    expect(xml).toContain('<w:b/>');
    expect(xml.match(/<w:numId w:val="\d+"\/>/g)).toHaveLength(4);
    expect(parts['word/_rels/document.xml.rels']).toContain(
      'Target="https://www.example.org/fiche" TargetMode="External"',
    );
    // Each list restarts: the ordered one has its own numbering instance.
    expect(parts['word/numbering.xml']).toContain(
      '<w:num w:numId="2"><w:abstractNumId w:val="1"/>',
    );
  });

  it('is well-formed XML in every part', () => {
    for (const [name, xml] of Object.entries(parts)) {
      // Every opened element is closed, in order (no parser in Node; a strict walk instead).
      const stack: string[] = [];
      for (const [, close, tag, selfClosing] of xml.matchAll(/<(\/?)([\w:]+)[^>]*?(\/?)>/g)) {
        if (tag === 'xml') continue;
        if (selfClosing) continue;
        if (close) expect(stack.pop(), `${name}: </${tag}>`).toBe(tag);
        else stack.push(tag ?? '');
      }
      expect(stack, name).toEqual([]);
    }
  });
});

/** Unfolds and splits an iCalendar file into [name, value] pairs. */
function icsLines(ics: string): [string, string][] {
  return ics
    .replace(/\r\n /g, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

describe('ICS', () => {
  const ics = followUpIcs({
    uid: 'bilan-abc@tandem',
    date: Date.UTC(2026, 8, 2, 9, 0),
    summary: 'Entretien de suivi du bilan (à 6 mois)',
    description: 'Avec Camille Martin; apporter le plan d’action, et vos questions.\nÀ bientôt',
    now: T0,
  });

  it('has the follow-up as an all-day event with a reminder, in CRLF lines of ≤ 75 octets', () => {
    expect(ics.endsWith('\r\n')).toBe(true);
    for (const line of ics.split('\r\n')) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    }
    // The first occurrence of each property (the alarm repeats DESCRIPTION).
    const fields = new Map(icsLines(ics).reverse());
    expect(fields.get('DTSTART;VALUE=DATE')).toBe('20260902');
    expect(fields.get('DTEND;VALUE=DATE')).toBe('20260903');
    expect(fields.get('DTSTAMP')).toBe('20260302T090000Z');
    expect(fields.get('UID')).toBe('bilan-abc@tandem');
    expect(fields.get('SUMMARY')).toBe('Entretien de suivi du bilan (à 6 mois)');
    expect(fields.get('DESCRIPTION')).toBe(
      'Avec Camille Martin\\; apporter le plan d’action\\, et vos questions.\\nÀ bientôt',
    );
    expect(fields.get('TRIGGER')).toBe('-P7D');
    const names = icsLines(ics).map(([name]) => name);
    expect(names.filter((n) => n === 'BEGIN')).toHaveLength(3);
    expect(names.filter((n) => n === 'END')).toHaveLength(3);
  });

  it('folds long lines without splitting a character, and escapes TEXT', () => {
    const long = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldIcsLine(long);
    expect(folded.replace(/\r\n /g, '')).toBe(long);
    for (const line of folded.split('\r\n')) {
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    }
    expect(escapeIcsText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne');
  });
});

// WinAnsiEncoding's 0x80–0x9F (Node's TextDecoder may lack windows-1252 without full ICU).
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const winAnsiChar = (code: number) =>
  code >= 0x80 && code <= 0x9f ? (WIN_ANSI_HIGH[code - 0x80] ?? '') : String.fromCharCode(code);

/** Text drawn on each page: hex strings of Tj operators, decoded from WinAnsi. */
async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents && 'asArray' in contents ? contents.asArray() : [contents];
    return streams
      .map((ref) => {
        const stream = ref ? pdf.context.lookup(ref) : null;
        if (!(stream instanceof PDFRawStream)) return '';
        const raw = stream.contents;
        const filter = stream.dict.get(PDFName.of('Filter'));
        const data = filter === PDFName.of('FlateDecode') ? unzlibSync(raw) : raw;
        const ops = new TextDecoder('latin1').decode(data);
        return [...ops.matchAll(/<([0-9A-Fa-f]*)> Tj/g)]
          .map(([, hex]) => {
            const codes = (hex ?? '').match(/../g) ?? [];
            return codes.map((h) => winAnsiChar(parseInt(h, 16))).join('');
          })
          .join('\n');
      })
      .join('\n');
  });
}

describe('PDF', () => {
  it('prints the document: title, notice, sections, list items, plan, page numbers', async () => {
    const document: ExportDocument = exportOf({ state: 'valid', at: T0 });
    const bytes = await toPdf(document, T0);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const pages = await pdfText(bytes);
    const all = pages.join('\n');
    expect(all).toContain('Document de synthèse');
    expect(all).toContain('1. Circonstances du bilan');
    expect(all).toContain('3. Projet');
    expect(all).toContain(MARKER);
    expect(all).toContain('• ');
    expect(all).toContain('Savoir-faire : menuiserie');
    expect(all).toContain('1. Financer la formation');
    expect(all).toContain('CPF, Transitions Pro');
    expect(all).toContain('(https://www.example.org/fiche)');
    expect(all).toContain('-> flèche ?'); // outside WinAnsi: replaced, not dropped
    expect(all).toContain(`Page 1 / ${pages.length}`);
    expect(all).toContain('Confidentiel');
  });

  it('wraps long text onto more pages instead of running off the page', async () => {
    const document = exportOf({ state: 'none', at: null });
    const long = {
      ...document,
      observations: Array.from({ length: 80 }, (_, i) => ({
        about: 'Projet',
        text: `Observation ${i} `.repeat(12),
      })),
    };
    const pages = await pdfText(await toPdf(long, T0));
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.join('\n')).toContain('Observation 79');
  });

  it('replaces characters the standard fonts cannot print', () => {
    const supported = new Set([...'abc é'].map((c) => c.codePointAt(0) ?? 0));
    expect(winAnsiText('a\u00a0b → c 🙂 é', supported)).toBe('a b -> c ? é');
  });
});
