import type { AttendanceRecord } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  attendanceRecordFor,
  attendanceReport,
  sessionsAwaitingSignature,
  storeAttendanceSignature,
} from './attendance.ts';
import { encodeSignedEntry } from './signed.ts';
import { heartbeat, readLedger, startSession, stopSession } from './ledger.ts';
import { ATTENDANCE_SETTLE_MS, HEARTBEAT_INTERVAL_MS } from './limits.ts';
import { ledgerMap } from './schema.ts';
import {
  HOUR,
  makeDevice,
  makePair,
  MINUTE,
  newBilanId,
  syncAll,
  T0,
  verify,
  type Pair,
  type TestDevice,
} from './test-support.ts';

/** A one-hour session, ticked by both, stopped by the counsellor; returns its id. */
function hourSession(pair: Pair, start = T0): string {
  const { a, b, counsellor: c, beneficiary: k } = pair;
  const started = startSession(a, c.publicKey, start);
  if (!started.ok) throw new Error(started.error);
  syncAll(a, b);
  for (let t = start; t < start + HOUR; t += HEARTBEAT_INTERVAL_MS * 12) {
    heartbeat(a, c.publicKey, t);
    heartbeat(b, k.publicKey, t);
  }
  syncAll(a, b);
  stopSession(a, c.publicKey, start + HOUR);
  syncAll(a, b);
  return started.value;
}

function sign(doc: Y.Doc, device: TestDevice, sessionId: string, now: number) {
  const record = attendanceRecordFor(doc, sessionId, device.publicKey, now);
  if (!record.ok) throw new Error(record.error);
  return storeAttendanceSignature(doc, record.value, device.sign(record.value), now);
}

const AFTER = T0 + 2 * HOUR;

describe('signed attendance', () => {
  it('is signed by both parties and verified on both sides', () => {
    const pair = makePair();
    const id = hourSession(pair);
    expect(sign(pair.a, pair.counsellor, id, AFTER).ok).toBe(true);
    expect(attendanceReport(pair.a, AFTER, verify).entries[0]?.state).toBe('partial');
    syncAll(pair.a, pair.b);
    expect(sign(pair.b, pair.beneficiary, id, AFTER).ok).toBe(true);
    syncAll(pair.a, pair.b);
    for (const doc of [pair.a, pair.b]) {
      const report = attendanceReport(doc, AFTER, verify);
      expect(report.entries[0]).toMatchObject({
        state: 'signed',
        signatures: { counsellor: 'valid', beneficiary: 'valid' },
      });
      expect(report.certified.seconds).toBe(3600);
      expect(report.flaggedSessionIds).toEqual([]);
    }
  });

  it('builds the canonical record of the session as it ended', () => {
    const pair = makePair();
    const id = hourSession(pair);
    const record = attendanceRecordFor(pair.b, id, pair.beneficiary.publicKey, AFTER);
    expect(record).toEqual({
      ok: true,
      value: {
        kind: 'attendance',
        bilanId: pair.bilanId,
        sessionId: id,
        startedAt: T0,
        endedAt: T0 + HOUR,
        phase: 'preliminaire',
        mode: 'presentiel',
        signerRole: 'beneficiary',
        signerKey: pair.beneficiary.publicKey,
      } satisfies AttendanceRecord,
    });
    expect(attendanceRecordFor(pair.b, id, makeDevice().publicKey, AFTER)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    expect(attendanceRecordFor(pair.b, 'nope', pair.beneficiary.publicKey, AFTER)).toEqual({
      ok: false,
      error: 'no-such-session',
    });
  });

  it('cannot be signed while the session runs', () => {
    const { a, counsellor: c } = makePair();
    const started = startSession(a, c.publicKey, T0);
    expect(started.ok && attendanceRecordFor(a, started.value, c.publicKey, T0 + 1000)).toEqual({
      ok: false,
      error: 'still-running',
    });
  });

  it('is asked for once the session has settled, and not again once given', () => {
    const pair = makePair();
    const id = hourSession(pair);
    const key = pair.counsellor.publicKey;
    expect(sessionsAwaitingSignature(pair.a, key, T0 + HOUR + 1000)).toEqual([]);
    expect(sessionsAwaitingSignature(pair.a, key, T0 + HOUR + ATTENDANCE_SETTLE_MS)).toEqual([id]);
    sign(pair.a, pair.counsellor, id, AFTER);
    expect(sessionsAwaitingSignature(pair.a, key, AFTER)).toEqual([]);
    expect(sessionsAwaitingSignature(pair.a, pair.beneficiary.publicKey, AFTER)).toEqual([id]);
    expect(sessionsAwaitingSignature(pair.a, makeDevice().publicKey, AFTER)).toEqual([]);
  });

  it('flags a session edited after signing and leaves it out of the certified totals', () => {
    const pair = makePair();
    const id = hourSession(pair);
    const second = hourSession(pair, T0 + 24 * HOUR);
    for (const sid of [id, second]) {
      sign(pair.a, pair.counsellor, sid, T0 + 30 * HOUR);
      sign(pair.a, pair.beneficiary, sid, T0 + 30 * HOUR);
    }
    syncAll(pair.a, pair.b);
    // Someone holding the link moves the start one hour earlier to inflate the hours.
    (ledgerMap(pair.b).get(id) as Y.Map<unknown>).set('startedAt', T0 - HOUR);
    syncAll(pair.a, pair.b);
    for (const doc of [pair.a, pair.b]) {
      const report = attendanceReport(doc, T0 + 30 * HOUR, verify);
      expect(report.entries.find((e) => e.session.id === id)).toMatchObject({
        state: 'flagged',
        signatures: { counsellor: 'mismatch', beneficiary: 'mismatch' },
      });
      expect(report.flaggedSessionIds).toEqual([id]);
      expect(report.certified.seconds).toBe(3600);
      // The cap still counts the time as spent.
      expect(readLedger(doc, T0 + 30 * HOUR).totals.seconds).toBe(3 * 3600);
    }
    // And the writer refuses to store a signature over a stale record.
    const stale = attendanceRecordFor(pair.a, second, pair.counsellor.publicKey, T0 + 30 * HOUR);
    if (!stale.ok) throw new Error(stale.error);
    const edited = { ...stale.value, endedAt: stale.value.endedAt + MINUTE };
    expect(
      storeAttendanceSignature(pair.a, edited, pair.counsellor.sign(edited), T0 + 30 * HOUR),
    ).toEqual({ ok: false, error: 'record-outdated' });
  });

  it('flags forged signatures, unknown keys, other bilans and garbage', () => {
    const pair = makePair();
    const id = hourSession(pair);
    const good = attendanceRecordFor(pair.a, id, pair.counsellor.publicKey, AFTER);
    if (!good.ok) throw new Error(good.error);
    const session = ledgerMap(pair.a).get(id) as Y.Map<unknown>;
    const status = () => attendanceReport(pair.a, AFTER, verify).entries[0]!.signatures.counsellor;

    const forged = pair.counsellor.sign(good.value);
    forged[10] = (forged[10] ?? 0) ^ 1;
    session.set('sig:counsellor', encodeSignedEntry(good.value, forged));
    expect(status()).toBe('forged');

    const stranger = makeDevice();
    const byStranger = { ...good.value, signerKey: stranger.publicKey };
    expect(storeAttendanceSignature(pair.a, byStranger, stranger.sign(byStranger), AFTER)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    session.set('sig:counsellor', encodeSignedEntry(byStranger, stranger.sign(byStranger)));
    expect(status()).toBe('unknown-key');

    const otherBilan = { ...good.value, bilanId: newBilanId() };
    session.set('sig:counsellor', encodeSignedEntry(otherBilan, pair.counsellor.sign(otherBilan)));
    expect(status()).toBe('wrong-bilan');

    const asBeneficiary = attendanceRecordFor(pair.a, id, pair.beneficiary.publicKey, AFTER);
    if (!asBeneficiary.ok) throw new Error(asBeneficiary.error);
    const other = encodeSignedEntry(
      asBeneficiary.value,
      pair.beneficiary.sign(asBeneficiary.value),
    );
    session.set('sig:counsellor', other);
    expect(status()).toBe('malformed');

    for (const garbage of ['sig', 42, new Uint8Array(10), { record: 1 }]) {
      session.set('sig:counsellor', garbage);
      expect(status()).toBe('malformed');
    }
    expect(attendanceReport(pair.a, AFTER, verify).certified.seconds).toBe(0);
    expect(
      attendanceReport(pair.a, AFTER, () => {
        throw new Error('boom');
      }).entries[0]?.state,
    ).toBe('flagged');
  });

  it('flags a signature overtaken by an earlier concurrent stop, until re-signed', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const started = startSession(a, c.publicKey, T0);
    if (!started.ok) throw new Error(started.error);
    const id = started.value;
    syncAll(a, b);
    // Apart, each stops; the beneficiary stops later and signs before hearing of the other stop.
    stopSession(a, c.publicKey, T0 + 50_000);
    stopSession(b, k.publicKey, T0 + 60_000);
    expect(sign(b, { publicKey: k.publicKey, sign: k.sign }, id, T0 + MINUTE * 2).ok).toBe(true);
    syncAll(a, b);
    const report = attendanceReport(a, T0 + HOUR, verify);
    expect(report.entries[0]?.signatures.beneficiary).toBe('mismatch');
    expect(report.flaggedSessionIds).toEqual([id]);
    // The beneficiary sees it and re-signs the session as it now stands.
    expect(sign(b, k, id, T0 + HOUR).ok).toBe(true);
    expect(sign(a, c, id, T0 + HOUR).ok).toBe(true);
    syncAll(a, b);
    expect(attendanceReport(b, T0 + HOUR, verify).entries[0]?.state).toBe('signed');
  });
});
