import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { toHex } from './bytes.ts';
import { canStartSession, heartbeat, readLedger, startSession, stopSession } from './ledger.ts';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from './limits.ts';
import { setPhase } from './phases.ts';
import { initBilan } from './meta.ts';
import { ledgerMap } from './schema.ts';
import { endBilan } from './lifecycle.ts';
import { HOUR, makeDevice, makePair, MINUTE, newBilanId, syncAll, T0 } from './test-support.ts';

function started(doc: Y.Doc, key: Uint8Array, now: number, mode?: 'distanciel'): string {
  const result = startSession(doc, key, now, mode ? { mode } : {});
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** Heartbeats every interval from `from` to `to` (inclusive-ish). */
function tick(doc: Y.Doc, key: Uint8Array, from: number, to: number): void {
  for (let t = from; t <= to; t += HEARTBEAT_INTERVAL_MS) heartbeat(doc, key, t);
}

describe('sessions', () => {
  it('start, tick and stop, seen the same on both devices', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const id = started(a, c.publicKey, T0, 'distanciel');
    syncAll(a, b);
    const live = readLedger(b, T0 + 30_000);
    expect(live.running?.id).toBe(id);
    expect(live.totals.seconds).toBe(30);
    tick(a, c.publicKey, T0, T0 + 45 * MINUTE);
    tick(b, k.publicKey, T0, T0 + 45 * MINUTE);
    expect(stopSession(b, k.publicKey, T0 + 45 * MINUTE)).toEqual({ ok: true, value: [id] });
    syncAll(a, b);
    for (const doc of [a, b]) {
      const view = readLedger(doc, T0 + 2 * HOUR);
      expect(view.running).toBeNull();
      expect(view.sessions[0]).toMatchObject({
        id,
        state: 'stopped',
        stoppedBy: 'beneficiary',
        startedBy: 'counsellor',
        phase: 'preliminaire',
        mode: 'distanciel',
        endedAt: T0 + 45 * MINUTE,
        present: ['counsellor', 'beneficiary'],
      });
      expect(view.totals.seconds).toBe(45 * 60);
      expect(view.totals.byMode.distanciel).toBe(45 * 60);
    }
  });

  it('use the current phase and the default mode', () => {
    const { a, counsellor: c } = makePair();
    setPhase(a, c.publicKey, 'investigation');
    started(a, c.publicKey, T0);
    expect(readLedger(a, T0 + 1).running).toMatchObject({
      phase: 'investigation',
      mode: 'presentiel',
    });
  });

  it('refuse to start for the wrong reasons', () => {
    const { a, counsellor: c } = makePair({ hourCapSeconds: 60 });
    expect(canStartSession(a, makeDevice().publicKey, T0)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    for (const bad of [-1, 0, Number.NaN, Date.UTC(2300, 0, 1), 1.5]) {
      expect(startSession(a, c.publicKey, bad)).toEqual({ ok: false, error: 'invalid-time' });
    }
    started(a, c.publicKey, T0);
    expect(startSession(a, c.publicKey, T0 + 1000)).toEqual({
      ok: false,
      error: 'already-running',
    });
    expect(stopSession(a, c.publicKey, T0 + 60_000).ok).toBe(true);
    expect(startSession(a, c.publicKey, T0 + 61_000)).toEqual({ ok: false, error: 'cap-reached' });
    expect(stopSession(a, c.publicKey, T0 + 62_000)).toEqual({
      ok: false,
      error: 'no-running-session',
    });
  });

  it('need the beneficiary to have joined, and the bilan not to have ended', () => {
    const counsellor = makeDevice();
    const doc = new Y.Doc();
    initBilan(doc, {
      bilanId: newBilanId(),
      createdAt: T0,
      counsellor: { name: 'C', publicKey: counsellor.publicKey },
    });
    expect(canStartSession(doc, counsellor.publicKey, T0)).toEqual({
      ok: false,
      error: 'no-beneficiary',
    });
    const { a, counsellor: c } = makePair();
    endBilan(a, c.publicKey, T0, 'abandoned');
    expect(canStartSession(a, c.publicKey, T0 + 1)).toEqual({ ok: false, error: 'ended' });
  });
});

describe('the cap', () => {
  it('is reached exactly: a session of exactly the cap counts fully, then nothing starts', () => {
    const { a, counsellor: c } = makePair({ hourCapSeconds: 3600 });
    started(a, c.publicKey, T0);
    tick(a, c.publicKey, T0, T0 + HOUR - 5000);
    stopSession(a, c.publicKey, T0 + HOUR);
    const view = readLedger(a, T0 + 2 * HOUR);
    expect(view.totals.seconds).toBe(3600);
    expect(view.cap).toMatchObject({ level: 'reached', remainingSeconds: 0 });
    expect(canStartSession(a, c.publicKey, T0 + 2 * HOUR)).toEqual({
      ok: false,
      error: 'cap-reached',
    });
  });

  it('stops a running session at the cap on both devices, each on its own', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair({ hourCapSeconds: 60 });
    const id = started(a, c.publicKey, T0);
    syncAll(a, b);
    // From here the two devices are apart; each ticks and enforces the cap by itself.
    tick(a, c.publicKey, T0, T0 + 55_000);
    tick(b, k.publicKey, T0, T0 + 55_000);
    expect(readLedger(a, T0 + 55_000).cap).toMatchObject({ level: 'warning', remainingSeconds: 5 });
    const onA = heartbeat(a, c.publicKey, T0 + 62_000);
    const onB = heartbeat(b, k.publicKey, T0 + 61_000);
    expect(onA).toEqual({ ok: true, value: { heartbeated: [], stoppedAtCap: [id] } });
    expect(onB).toEqual({ ok: true, value: { heartbeated: [], stoppedAtCap: [id] } });
    for (const doc of [a, b]) {
      expect(readLedger(doc, T0 + 70_000).running).toBeNull();
      expect(readLedger(doc, T0 + 70_000).sessions[0]?.endedAt).toBe(T0 + 60_000);
    }
    syncAll(a, b);
    expect(readLedger(a, T0 + HOUR)).toEqual(readLedger(b, T0 + HOUR));
    expect(readLedger(a, T0 + HOUR).totals.seconds).toBe(60);
  });

  it('cuts a session crossing the cap, after earlier sessions', () => {
    const { a, counsellor: c } = makePair({ hourCapSeconds: 2 * 3600 });
    started(a, c.publicKey, T0);
    tick(a, c.publicKey, T0, T0 + 90 * MINUTE);
    stopSession(a, c.publicKey, T0 + 90 * MINUTE);
    const later = T0 + 24 * HOUR;
    started(a, c.publicKey, later);
    tick(a, c.publicKey, later, later + 29 * MINUTE);
    expect(readLedger(a, later + 29 * MINUTE).cap.remainingSeconds).toBe(60);
    // The stop comes after the cap (the tab was throttled): it is clipped to the cap.
    expect(stopSession(a, c.publicKey, later + 30 * MINUTE + 30_000).ok).toBe(true);
    const view = readLedger(a, later + HOUR);
    expect(view.sessions[1]?.endedAt).toBe(later + 30 * MINUTE);
    expect(view.totals.seconds).toBe(2 * 3600);
  });
});

describe('heartbeats and crashes', () => {
  it('close a session without heartbeats at its last heartbeat', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    started(a, c.publicKey, T0);
    syncAll(a, b);
    tick(a, c.publicKey, T0, T0 + 10 * MINUTE);
    tick(b, k.publicKey, T0, T0 + 10 * MINUTE);
    syncAll(a, b);
    // Both devices crash. Until the timeout the session still runs…
    const justBefore = T0 + 10 * MINUTE + HEARTBEAT_TIMEOUT_MS;
    expect(readLedger(a, justBefore).running).not.toBeNull();
    // …then it is closed at the last heartbeat, on both copies.
    for (const doc of [a, b]) {
      const view = readLedger(doc, justBefore + 1);
      expect(view.sessions[0]).toMatchObject({ state: 'timed-out', endedAt: T0 + 10 * MINUTE });
      expect(view.totals.seconds).toBe(600);
    }
    expect(canStartSession(a, c.publicKey, justBefore + 1).ok).toBe(true);
  });

  it('ignore a stop written long after the last heartbeat (device slept)', () => {
    const { a, counsellor: c } = makePair();
    started(a, c.publicKey, T0);
    tick(a, c.publicKey, T0, T0 + 5 * MINUTE);
    expect(readLedger(a, T0 + HOUR).running).toBeNull();
    expect(stopSession(a, c.publicKey, T0 + HOUR)).toEqual({
      ok: false,
      error: 'no-running-session',
    });
    // A peer with a different view writes a stop anyway: still closed at the last heartbeat.
    const session = ledgerMap(a).get(readLedger(a, T0).sessions[0]!.id) as Y.Map<unknown>;
    session.set(`stop:${toHex(c.publicKey)}`, T0 + HOUR);
    expect(readLedger(a, T0 + HOUR).sessions[0]).toMatchObject({
      state: 'timed-out',
      endedAt: T0 + 5 * MINUTE,
    });
  });

  it('a waking device does not revive a dead session, but the other party’s heartbeats do', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    started(a, c.publicKey, T0);
    syncAll(a, b);
    tick(a, c.publicKey, T0, T0 + 5 * MINUTE);
    // A sleeps; B goes on alone for an hour, but its updates have not reached A yet.
    tick(b, k.publicKey, T0, T0 + HOUR);
    expect(heartbeat(a, c.publicKey, T0 + HOUR)).toEqual({
      ok: true,
      value: { heartbeated: [], stoppedAtCap: [] },
    });
    expect(readLedger(a, T0 + HOUR).running).toBeNull();
    syncAll(a, b);
    expect(readLedger(a, T0 + HOUR).running).not.toBeNull();
    stopSession(a, c.publicKey, T0 + HOUR);
    syncAll(a, b);
    expect(readLedger(a, T0 + 2 * HOUR).totals.seconds).toBe(3600);
    expect(readLedger(b, T0 + 2 * HOUR).totals.seconds).toBe(3600);
  });
});

describe('concurrency and clocks', () => {
  it('count concurrent starts from both devices once, identically on both sides', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const fromA = started(a, c.publicKey, T0);
    const fromB = started(b, k.publicKey, T0 + 20_000, 'distanciel');
    tick(a, c.publicKey, T0, T0 + 30 * MINUTE);
    tick(b, k.publicKey, T0 + 20_000, T0 + 30 * MINUTE);
    syncAll(a, b);
    const view = readLedger(a, T0 + 30 * MINUTE);
    expect(view.sessions.map((s) => s.id)).toEqual([fromA, fromB]);
    expect(view.running?.id).toBe(fromA);
    expect(view.totals.seconds).toBe(30 * 60);
    expect(view.totals.byMode).toEqual({ presentiel: 1800, distanciel: 0 });
    // One stop ends both.
    expect(stopSession(b, k.publicKey, T0 + 31 * MINUTE)).toEqual({
      ok: true,
      value: [fromA, fromB],
    });
    syncAll(a, b);
    expect(readLedger(a, T0 + HOUR)).toEqual(readLedger(b, T0 + HOUR));
    expect(readLedger(a, T0 + HOUR).totals.seconds).toBe(31 * 60);
  });

  it('stay consistent when the two clocks disagree', () => {
    const skew = 90_000; // the counsellor's clock is 90 s fast
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    started(a, c.publicKey, T0 + skew);
    syncAll(a, b);
    for (let t = T0; t <= T0 + HOUR; t += HEARTBEAT_INTERVAL_MS) {
      heartbeat(a, c.publicKey, t + skew);
      heartbeat(b, k.publicKey, t);
      if (t % MINUTE === 0) syncAll(a, b);
    }
    // The beneficiary stops, on their (slow) clock.
    stopSession(b, k.publicKey, T0 + HOUR);
    syncAll(a, b);
    const onA = readLedger(a, T0 + 2 * HOUR + skew);
    const onB = readLedger(b, T0 + 2 * HOUR);
    expect(onA.totals).toEqual(onB.totals);
    expect(onA.sessions).toEqual(onB.sessions);
    // The error is bounded by the skew.
    expect(Math.abs(onA.totals.seconds - 3600)).toBeLessThanOrEqual(skew / 1000);
  });

  it('keep heartbeats monotonic when a device clock jumps back', () => {
    const { a, counsellor: c } = makePair();
    const id = started(a, c.publicKey, T0);
    heartbeat(a, c.publicKey, T0 + MINUTE);
    heartbeat(a, c.publicKey, T0 + 30_000);
    const session = ledgerMap(a).get(id) as Y.Map<unknown>;
    expect(session.get(`hb:${toHex(c.publicKey)}`)).toBe(T0 + MINUTE);
  });
});

describe('ledger read from a hostile document', () => {
  it('rejects malformed sessions and ignores entries from unknown devices', () => {
    const { a, counsellor: c } = makePair();
    const id = started(a, c.publicKey, T0);
    tick(a, c.publicKey, T0, T0 + 10 * MINUTE);
    const ledger = ledgerMap(a);
    const session = ledger.get(id) as Y.Map<unknown>;
    const stranger = makeDevice();
    // An unknown device "stops" the session early and heartbeats far into the future.
    session.set(`stop:${toHex(stranger.publicKey)}`, T0 + MINUTE);
    session.set(`hb:${toHex(stranger.publicKey)}`, T0 + 10 * HOUR);
    session.set('hb:zz', T0 + 5 * HOUR);
    session.set(`hb:${toHex(c.publicKey)}xx`, T0 + 5 * HOUR);
    session.set(`stop:${toHex(c.publicKey)}`, -5);
    // Whole sessions of garbage.
    const add = (key: string, fields: Record<string, unknown>) => {
      const map = new Y.Map<unknown>();
      ledger.set(key, map);
      for (const [k, v] of Object.entries(fields)) map.set(k, v);
    };
    const good = { startedByKey: c.publicKey, phase: 'preliminaire', mode: 'presentiel' };
    add('negative', { ...good, startedAt: -1000 });
    add('absurd', { ...good, startedAt: Date.UTC(2150, 0, 1) });
    add('phase', { ...good, startedAt: T0, phase: 'vacances' });
    add('stranger', { ...good, startedAt: T0, startedByKey: stranger.publicKey });
    add('nokey', { ...good, startedAt: T0, startedByKey: 'me' });
    ledger.set('plain', { startedAt: T0 } as unknown as Y.Map<unknown>);
    ledger.set('text', new Y.Text('x') as unknown as Y.Map<unknown>);
    const view = readLedger(a, T0 + 10 * MINUTE);
    expect(view.sessions.map((s) => s.id)).toEqual([id]);
    expect(view.sessions[0]).toMatchObject({ state: 'running', present: ['counsellor'] });
    expect(view.totals.seconds).toBe(600);
    expect(Object.fromEntries(view.rejected.map((r) => [r.id, r.reason]))).toEqual({
      negative: 'malformed',
      absurd: 'malformed',
      phase: 'malformed',
      stranger: 'unknown-starter',
      nokey: 'malformed',
      plain: 'malformed',
      text: 'malformed',
    });
    expect(() => readLedger(a, Number.NaN)).not.toThrow();
  });
});
