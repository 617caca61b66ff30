import { certifyEvidence, type EvidenceRecord } from '@tandem/workspace';
import { unzlibSync } from 'fflate';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderEvidencePdf } from './evidence-pdf.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const DAY = 86_400_000;
const KEY_C = 'A'.repeat(43);
const KEY_B = 'B'.repeat(42) + 'A';

function evidence(overrides: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return {
    format: 'tandem-evidence',
    version: 1,
    bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
    createdAt: T0,
    conventionDate: '2026-01-02',
    hourCapSeconds: 24 * 3600,
    endedAt: null,
    endReason: null,
    counsellor: { name: 'Hélène Lefèvre-Çelik', publicKey: KEY_C },
    beneficiary: { name: 'Łukasz Øster 王', publicKey: KEY_B },
    sessions: Array.from({ length: 40 }, (_, i) => ({
      id: `s${i}`,
      startedAt: T0 + i * DAY,
      endedAt: T0 + i * DAY + 5_400_000,
      phase: i < 10 ? 'preliminaire' : i < 30 ? 'investigation' : 'conclusion',
      mode: i % 2 ? 'distanciel' : 'presentiel',
      end: i === 3 ? 'timed-out' : 'stopped',
      signatures: { counsellor: null, beneficiary: i === 5 ? '' : null },
    })),
    satisfaction: [],
    updatedAt: T0 + 50 * DAY,
    ...overrides,
  } as EvidenceRecord;
}

// WinAnsiEncoding's 0x80–0x9F (TextDecoder may lack windows-1252 without full ICU).
const WIN_ANSI_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const winAnsiChar = (code: number) =>
  code >= 0x80 && code <= 0x9f ? (WIN_ANSI_HIGH[code - 0x80] ?? '') : String.fromCharCode(code);

/** Every string drawn, page by page (one Tj operator each), decoded from WinAnsi. */
async function drawnText(bytes: Uint8Array): Promise<string[][]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents && 'asArray' in contents ? contents.asArray() : [contents];
    return streams.flatMap((ref) => {
      const stream = ref ? pdf.context.lookup(ref) : null;
      if (!(stream instanceof PDFRawStream)) return [];
      const filter = stream.dict.get(PDFName.of('Filter'));
      const data =
        filter === PDFName.of('FlateDecode') ? unzlibSync(stream.contents) : stream.contents;
      const ops = new TextDecoder('latin1').decode(data);
      return [...ops.matchAll(/<([0-9A-Fa-f]*)> Tj/g)].map(([, hex]) =>
        ((hex ?? '').match(/../g) ?? []).map((h) => winAnsiChar(parseInt(h, 16))).join(''),
      );
    });
  });
}

/** The cells of attendance row `n` (number, date, start, end, duration, …). */
function row(pages: string[][], n: number): string[] {
  const sheet = pages.slice(1).flat();
  const at = sheet.findIndex(
    (text, i) => text === String(n) && /\d\d\/\d\d\/\d{4}/.test(sheet[i + 1] ?? ''),
  );
  return sheet.slice(at, at + 9);
}

describe('the evidence PDF', () => {
  it('renders many sessions over several pages, names outside WinAnsi transliterated', async () => {
    const certified = certifyEvidence(evidence(), () => false);
    const bytes = await renderEvidencePdf(certified, 'fr', T0 + 60 * DAY);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const pages = await drawnText(bytes);
    const all = pages.flat();
    expect(pages).toHaveLength(3);
    expect(all).toContain('Certificat de réalisation');
    expect(all).toContain('Hélène Lefèvre-Çelik');
    // Letters outside the standard font's WinAnsi set lose their stroke or become "?".
    expect(all).toContain('Lukasz Øster ?');
    // The garbage signature flags a session; the 24 h cap is reached during the 17th.
    expect(all[all.indexOf('Durée réalisée') + 1]).toBe('24 h');
    expect(row(pages, 6)[4]).toBe('Exclue');
    expect(row(pages, 6)[8]).toBe('Illisible');
    expect(row(pages, 4)[4]).toBe('1 h 30 min *');
    expect(row(pages, 17)[4]).toBe('1 h 30 min');
    expect(row(pages, 18)[4]).toBe('0 s');
    // The header row is repeated on the page the table continues on.
    expect(pages[2]?.[0]).toBe('N°');
    expect(pages[2]).toContain('Page 3 / 3');
  });

  it('renders in English, and with no session at all', async () => {
    const certified = certifyEvidence(evidence({ sessions: [], beneficiary: null }), () => false);
    const all = (await drawnText(await renderEvidencePdf(certified, 'en', T0))).flat();
    expect(all).toContain('Certificate of completion');
    expect(all).toContain('No session held');
    expect(all).toContain('Beneficiary (not connected yet)');
  });
  it('ends with the satisfaction answers when the beneficiary gave some', async () => {
    const answered = evidence({
      satisfaction: [
        {
          survey: 'a-chaud',
          answers: { overall: 5, expectations: 4, methods: 4, counsellor: 5, recommend: 3 },
          comment: 'Merci pour l’écoute.',
          at: T0 + 41 * DAY,
        },
      ],
    });
    const verify = () => false;
    const pages = await drawnText(
      await renderEvidencePdf(certifyEvidence(answered, verify), 'fr', T0),
    );
    const last = (pages[pages.length - 1] ?? []).join('\n');
    expect(last).toContain('Questionnaires de satisfaction');
    expect(last).toContain('À chaud (fin du bilan)');
    expect(last).toContain('Je recommanderais ce bilan');
    expect(last).toContain('3 sur 5');
    expect(last).toContain('Merci pour l’écoute.');
    const none = await drawnText(
      await renderEvidencePdf(certifyEvidence(evidence(), verify), 'fr', T0),
    );
    expect(none.flat().join('\n')).not.toContain('Questionnaires de satisfaction');
  });
});
