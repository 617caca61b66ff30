import { encodeBase64url } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addRow } from './action-plan.ts';
import { attendanceRecordFor, attendanceReport, storeAttendanceSignature } from './attendance.ts';
import {
  certifyEvidence,
  evidenceFromDoc,
  mergeEvidence,
  parseEvidence,
  type EvidenceRecord,
} from './evidence.ts';
import { heartbeat, readLedger, startSession, stopSession } from './ledger.ts';
import { HEARTBEAT_INTERVAL_MS } from './limits.ts';
import { addObservation } from './observations.ts';
import { sectionFragment } from './schema.ts';
import { setHourCap } from './settings.ts';
import {
  HOUR,
  makeDevice,
  makePair,
  MINUTE,
  syncAll,
  T0,
  verify,
  type Pair,
  type TestDevice,
} from './test-support.ts';

const MARKER = 'Marqueur-confidentiel-7f3a reconversion en boulangerie';
const LATER = T0 + 48 * HOUR;

function session(pair: Pair, start: number, length: number, mode?: 'distanciel'): string {
  const { a, b, counsellor: c, beneficiary: k } = pair;
  const started = startSession(a, c.publicKey, start, mode ? { mode } : {});
  if (!started.ok) throw new Error(started.error);
  syncAll(a, b);
  for (let t = start; t < start + length; t += HEARTBEAT_INTERVAL_MS * 12) {
    heartbeat(a, c.publicKey, t);
    heartbeat(b, k.publicKey, t);
  }
  syncAll(a, b);
  stopSession(b, k.publicKey, start + length);
  syncAll(a, b);
  return started.value;
}

function sign(doc: Y.Doc, device: TestDevice, sessionId: string) {
  const record = attendanceRecordFor(doc, sessionId, device.publicKey, LATER);
  if (!record.ok) throw new Error(record.error);
  const stored = storeAttendanceSignature(doc, record.value, device.sign(record.value), LATER);
  if (!stored.ok) throw new Error(stored.error);
}

/** Two signed sessions and one unsigned, with content written everywhere content lives. */
function bilanWithContent() {
  const pair = makePair();
  const first = session(pair, T0, HOUR);
  const second = session(pair, T0 + 24 * HOUR, 90 * MINUTE, 'distanciel');
  for (const id of [first, second]) {
    sign(pair.a, pair.counsellor, id);
    sign(pair.b, pair.beneficiary, id);
  }
  syncAll(pair.a, pair.b);
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  sectionFragment(pair.a, 'projet').insert(0, [paragraph]);
  paragraph.insert(0, [text]);
  text.insert(0, MARKER);
  addRow(pair.a, pair.counsellor.publicKey, { fields: { objective: MARKER, action: MARKER } });
  addObservation(pair.b, pair.beneficiary.publicKey, { text: MARKER }, T0 + 30 * HOUR);
  syncAll(pair.a, pair.b);
  const third = session(pair, T0 + 40 * HOUR, 30 * MINUTE);
  return { pair, ids: [first, second, third] as const };
}

function mustEvidence(doc: Y.Doc, now = LATER): EvidenceRecord {
  const evidence = evidenceFromDoc(doc, now);
  if (evidence === null) throw new Error('no evidence');
  return evidence;
}

describe('the evidence record', () => {
  it('holds parties, dates and sessions, and none of the bilan’s content', () => {
    const { pair, ids } = bilanWithContent();
    const evidence = mustEvidence(pair.a);
    const json = JSON.stringify(evidence);
    // The content is really in the document…
    expect(JSON.stringify(pair.a.toJSON())).toContain(MARKER);
    // …and nowhere in the evidence, not even inside the signed envelopes.
    expect(json).not.toContain(MARKER);
    expect(json).not.toContain('Marqueur');
    expect(json).not.toContain('boulangerie');
    expect(evidence).toMatchObject({
      bilanId: pair.bilanId,
      counsellor: { name: 'Claire Martin', publicKey: encodeBase64url(pair.counsellor.publicKey) },
      beneficiary: { name: 'Karim Benali' },
      hourCapSeconds: 24 * 3600,
      createdAt: T0,
    });
    expect(evidence.sessions.map((s) => s.id)).toEqual(ids);
    expect(evidence.sessions[1]).toMatchObject({
      startedAt: T0 + 24 * HOUR,
      endedAt: T0 + 24 * HOUR + 90 * MINUTE,
      mode: 'distanciel',
      phase: 'preliminaire',
      end: 'stopped',
    });
    expect(evidence.sessions[2]?.signatures).toEqual({ counsellor: null, beneficiary: null });
  });

  it('survives JSON and structured clone, and parses back to the same record', () => {
    const evidence = mustEvidence(bilanWithContent().pair.b);
    expect(parseEvidence(JSON.parse(JSON.stringify(evidence)))).toEqual({
      ok: true,
      value: evidence,
    });
    expect(parseEvidence(structuredClone(evidence))).toEqual({ ok: true, value: evidence });
  });

  it('is the same on both devices', () => {
    const { pair } = bilanWithContent();
    expect(mustEvidence(pair.a)).toEqual(mustEvidence(pair.b));
  });

  it('leaves out a running session, and is null before the bilan exists', () => {
    const pair = makePair();
    const id = session(pair, T0, HOUR);
    expect(startSession(pair.a, pair.counsellor.publicKey, T0 + 2 * HOUR).ok).toBe(true);
    const evidence = mustEvidence(pair.a, T0 + 2 * HOUR + MINUTE);
    expect(readLedger(pair.a, T0 + 2 * HOUR + MINUTE).running).not.toBeNull();
    expect(evidence.sessions.map((s) => s.id)).toEqual([id]);
    expect(evidenceFromDoc(new Y.Doc(), T0)).toBeNull();
  });

  it('certifies signed sessions, as the attendance report does', () => {
    const { pair } = bilanWithContent();
    const certified = certifyEvidence(mustEvidence(pair.a), verify);
    const report = attendanceReport(pair.a, LATER, verify);
    expect(certified.sessions.map((s) => s.state)).toEqual(['signed', 'signed', 'pending']);
    expect(certified.sessions.map((s) => s.state)).toEqual(report.entries.map((e) => e.state));
    expect(certified.certified.seconds).toBe(report.certified.seconds);
    expect(certified.certified.seconds).toBe(3600 + 5400 + 1800);
    expect(certified.certified.byMode).toEqual({ presentiel: 5400, distanciel: 5400 });
    expect(certified.sessions.map((s) => s.countedMs)).toEqual([HOUR, 90 * MINUTE, 30 * MINUTE]);
    expect(certified).toMatchObject({ signedCount: 2, flaggedCount: 0 });
  });

  it('flags a stored record edited after signing and leaves it out of the total', () => {
    const evidence = mustEvidence(bilanWithContent().pair.a);
    const [first, ...rest] = evidence.sessions;
    if (!first) throw new Error('no session');
    // Someone edits the stored evidence to inflate the first session by an hour.
    const edited = {
      ...evidence,
      sessions: [{ ...first, endedAt: first.endedAt + HOUR }, ...rest],
    };
    const certified = certifyEvidence(edited, verify);
    expect(certified.sessions[0]).toMatchObject({
      state: 'flagged',
      signatures: { counsellor: 'mismatch', beneficiary: 'mismatch' },
      countedMs: 0,
    });
    expect(certified.certified.seconds).toBe(5400 + 1800);
    expect(certified.flaggedCount).toBe(1);
  });

  it('flags forged signatures, swapped keys and garbage envelopes', () => {
    const evidence = mustEvidence(bilanWithContent().pair.a);
    const [first, second, third] = evidence.sessions;
    if (!first || !second || !third) throw new Error('missing sessions');
    const impostor = makeDevice();
    const flip = (b64: string | null) => {
      const text = b64 ?? '';
      return (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    };
    const forged = certifyEvidence(
      {
        ...evidence,
        sessions: [
          {
            ...first,
            signatures: { ...first.signatures, beneficiary: flip(first.signatures.beneficiary) },
          },
          { ...second, signatures: { ...second.signatures, counsellor: '' } },
          third,
        ],
      },
      verify,
    );
    expect(forged.sessions.map((s) => s.state)).toEqual(['flagged', 'flagged', 'pending']);
    expect(forged.sessions[0]?.signatures.beneficiary).toBe('forged');
    expect(forged.sessions[1]?.signatures.counsellor).toBe('malformed');
    expect(forged.certified.seconds).toBe(1800);
    // A record whose beneficiary key was swapped for another device's: nothing verifies.
    const swapped = certifyEvidence(
      {
        ...evidence,
        beneficiary: { name: 'Karim Benali', publicKey: encodeBase64url(impostor.publicKey) },
      },
      verify,
    );
    expect(swapped.sessions[0]?.signatures).toEqual({
      counsellor: 'valid',
      beneficiary: 'unknown-key',
    });
    expect(swapped.flaggedCount).toBe(2);
  });

  it('caps the certified total at the contracted hours', () => {
    const pair = makePair({ hourCapSeconds: 60 });
    const id = session(pair, T0, HOUR);
    sign(pair.a, pair.counsellor, id);
    const certified = certifyEvidence(mustEvidence(pair.a), verify);
    expect(certified.sessions[0]?.session.endedAt).toBe(T0 + 60_000);
    expect(certified.certified.seconds).toBe(60);
    expect(setHourCap(pair.a, pair.counsellor.publicKey, 30).ok).toBe(true);
    expect(certifyEvidence(mustEvidence(pair.a), verify).certified.seconds).toBe(30);
  });

  it('keeps every session it ever held when merged with a newer record', () => {
    const { pair, ids } = bilanWithContent();
    const kept = mustEvidence(pair.a);
    // The document lost its ledger (wiped, or a hostile peer deleted an entry)…
    const wiped = { ...kept, sessions: kept.sessions.slice(1), updatedAt: LATER + 1 };
    const merged = mergeEvidence(kept, wiped);
    expect(merged.sessions.map((s) => s.id)).toEqual(ids);
    expect(merged.updatedAt).toBe(LATER + 1);
    // …while a session present in both takes the newer version.
    const [, second] = kept.sessions;
    if (!second) throw new Error('missing session');
    const resigned = {
      ...kept,
      sessions: [{ ...second, signatures: { counsellor: null, beneficiary: null } }],
    };
    expect(mergeEvidence(kept, resigned).sessions[1]?.signatures).toEqual({
      counsellor: null,
      beneficiary: null,
    });
    expect(mergeEvidence(null, wiped)).toBe(wiped);
    expect(mergeEvidence({ ...kept, bilanId: 'other' }, wiped)).toBe(wiped);
  });

  it('refuses anything that is not a well-formed record', () => {
    const good = JSON.parse(JSON.stringify(mustEvidence(bilanWithContent().pair.a))) as Record<
      string,
      unknown
    >;
    const session0 = (good.sessions as Record<string, unknown>[])[0];
    const variants: [unknown, string][] = [
      [null, 'not-evidence'],
      ['evidence', 'not-evidence'],
      [{ ...good, format: 'other' }, 'not-evidence'],
      [{ ...good, version: 2 }, 'unsupported-version'],
      [{ ...good, bilanId: 'not an id!' }, 'malformed'],
      [{ ...good, hourCapSeconds: 25 * 3600 }, 'malformed'],
      [{ ...good, hourCapSeconds: 0 }, 'malformed'],
      [{ ...good, updatedAt: -1 }, 'malformed'],
      [{ ...good, createdAt: 'yesterday' }, 'malformed'],
      [{ ...good, conventionDate: '2026-02-30' }, 'malformed'],
      [{ ...good, endReason: 'fired' }, 'malformed'],
      [{ ...good, counsellor: { name: '', publicKey: 'AAAA' } }, 'malformed'],
      [{ ...good, counsellor: { name: 'x'.repeat(500), publicKey: 'AAAA' } }, 'malformed'],
      [{ ...good, beneficiary: { name: 'Karim', publicKey: 'short' } }, 'malformed'],
      [{ ...good, sessions: 'many' }, 'malformed'],
      [{ ...good, sessions: [session0, session0] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, endedAt: 1 }] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, startedAt: Number.NaN }] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, phase: 'bonus' }] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, mode: 'hybride' }] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, end: 'running' }] }, 'malformed'],
      [{ ...good, sessions: [{ ...session0, signatures: { counsellor: 7 } }] }, 'malformed'],
      [
        {
          ...good,
          sessions: [
            { ...session0, signatures: { counsellor: 'A'.repeat(5000), beneficiary: null } },
          ],
        },
        'malformed',
      ],
      [{ ...good, sessions: Array.from({ length: 2_001 }, () => session0) }, 'malformed'],
    ];
    for (const [value, error] of variants) {
      expect(parseEvidence(value), JSON.stringify(value)?.slice(0, 120)).toEqual({
        ok: false,
        error,
      });
    }
  });
});
