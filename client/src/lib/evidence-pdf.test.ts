import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certifyEvidence, type EvidenceRecord } from '@tandem/workspace';
import { describe, expect, it } from 'vitest';
import { renderEvidencePdf } from './evidence-pdf.ts';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
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
      startedAt: T0 + i * 86_400_000,
      endedAt: T0 + i * 86_400_000 + 5400_000,
      phase: i < 10 ? 'preliminaire' : i < 30 ? 'investigation' : 'conclusion',
      mode: i % 2 ? 'distanciel' : 'presentiel',
      end: i === 3 ? 'timed-out' : 'stopped',
      signatures: { counsellor: null, beneficiary: i === 5 ? '' : null },
    })),
    satisfaction: [],
    updatedAt: T0 + 50 * 86_400_000,
    ...overrides,
  } as EvidenceRecord;
}

/** The text of a PDF, as poppler extracts it (the tool the e2e test uses too). */
function pdfText(bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-pdf-'));
  const file = join(dir, 'evidence.pdf');
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

describe('the evidence PDF', () => {
  it('renders many sessions over several pages, names outside WinAnsi transliterated', async () => {
    const certified = certifyEvidence(evidence(), () => false);
    const bytes = await renderEvidencePdf(certified, 'fr', T0 + 60 * 86_400_000);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe('%PDF-');
    const text = pdfText(bytes);
    expect(text).toContain('Certificat de réalisation');
    expect(text).toContain('Hélène Lefèvre-Çelik');
    // Letters outside the standard font's WinAnsi set lose their accent or become "?".
    expect(text).toContain('Lukasz Øster ?');
    // The garbage signature flags a session; the 24 h cap is reached during the 17th.
    expect(text).toMatch(/Durée réalisée\s+24 h/);
    // (Times are local to the machine: only the order and the durations are checked.)
    const row = (n: number) => new RegExp(`^ *${n} +\\S+ +\\S+ +\\S+ +(.+?) {2,}`, 'm');
    expect(text.match(row(16))?.[1]).toBe('1 h 30 min');
    expect(text.match(row(17))?.[1]).toBe('1 h 30 min');
    // pdftotext may drop the narrow space of "0 s".
    expect(text.match(row(18))?.[1]).toMatch(/^0 ?s$/);
    expect(text).toContain('Exclue');
    expect(text).toMatch(/Page 3 \/ 3/);
  });

  it('renders in English, and with no session at all', async () => {
    const certified = certifyEvidence(evidence({ sessions: [], beneficiary: null }), () => false);
    const text = pdfText(await renderEvidencePdf(certified, 'en', T0));
    expect(text).toContain('Certificate of completion');
    expect(text).toContain('No session held');
    expect(text).toContain('Beneficiary (not connected yet)');
  });
});
