import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  effectiveWarningThresholds,
  initBilan,
  MetaKey,
  parseWarningThresholds,
  readMeta,
} from './meta.ts';
import { metaMap } from './schema.ts';
import {
  markActivity,
  setConventionDate,
  setDefaultMode,
  setHourCap,
  setRetentionPolicy,
  setWarningThresholds,
} from './settings.ts';
import { endBilan } from './lifecycle.ts';
import { setPhase } from './phases.ts';
import { HOUR, makeDevice, makePair, newBilanId, T0 } from './test-support.ts';

describe('initBilan / readMeta', () => {
  it('writes a new bilan with defaults and pins the counsellor', () => {
    const { a, bilanId, counsellor } = makePair();
    const meta = readMeta(a);
    expect(meta).toMatchObject({
      bilanId,
      createdAt: T0,
      hourCapSeconds: 24 * 3600,
      phase: 'preliminaire',
      defaultMode: 'presentiel',
      retentionPolicy: 'current',
      endedAt: null,
      conventionDate: null,
      warningThresholdsSeconds: null,
    });
    expect(meta.counsellor).toEqual({ name: 'Claire Martin', publicKey: counsellor.publicKey });
    expect(meta.beneficiary?.name).toBe('Karim Benali');
  });

  it('refuses a second initialisation and invalid input', () => {
    const doc = new Y.Doc();
    const device = makeDevice();
    const base = {
      bilanId: newBilanId(),
      createdAt: T0,
      counsellor: { name: 'Claire', publicKey: device.publicKey },
    };
    const bad = (patch: object) => initBilan(doc, { ...base, ...patch });
    expect(bad({ bilanId: 'not-an-id' })).toEqual({ ok: false, error: 'invalid-bilan-id' });
    expect(bad({ createdAt: -5 })).toEqual({ ok: false, error: 'invalid-time' });
    expect(bad({ counsellor: { name: ' ', publicKey: device.publicKey } })).toEqual({
      ok: false,
      error: 'invalid-name',
    });
    expect(bad({ counsellor: { name: 'C', publicKey: new Uint8Array(8) } })).toEqual({
      ok: false,
      error: 'invalid-key',
    });
    expect(bad({ hourCapSeconds: 24 * 3600 + 1 })).toEqual({
      ok: false,
      error: 'invalid-hour-cap',
    });
    expect(bad({ hourCapSeconds: 0 })).toEqual({ ok: false, error: 'invalid-hour-cap' });
    expect(bad({ conventionDate: '2026-02-30' })).toEqual({ ok: false, error: 'invalid-date' });
    expect(readMeta(doc).bilanId).toBeNull();
    expect(initBilan(doc, { ...base, hourCapSeconds: 60, conventionDate: '2026-01-02' }).ok).toBe(
      true,
    );
    expect(readMeta(doc).hourCapSeconds).toBe(60);
    expect(initBilan(doc, base)).toEqual({ ok: false, error: 'already-initialised' });
  });

  it('reads garbage written by a hostile peer as defaults, without throwing', () => {
    const doc = new Y.Doc();
    const meta = metaMap(doc);
    const garbage: [string, unknown][] = [
      [MetaKey.bilanId, 42],
      [MetaKey.createdAt, -1],
      [MetaKey.hourCapSeconds, 90_000],
      [MetaKey.phase, 'bogus'],
      [MetaKey.defaultMode, { x: 1 }],
      [MetaKey.retentionPolicy, null],
      [MetaKey.endedAt, 'yesterday'],
      [MetaKey.endReason, 7],
      [MetaKey.counsellor, { name: 'X', publicKey: 'abcd' }],
      [MetaKey.beneficiary, new Uint8Array(32)],
      [MetaKey.warningThresholdsSeconds, [1, 'a']],
      [MetaKey.conventionDate, new Y.Map()],
      ['activity:counsellor', 1e300],
    ];
    for (const [key, value] of garbage) meta.set(key, value);
    expect(readMeta(doc)).toEqual({
      bilanId: null,
      createdAt: null,
      conventionDate: null,
      hourCapSeconds: 24 * 3600,
      warningThresholdsSeconds: null,
      phase: 'preliminaire',
      defaultMode: 'presentiel',
      retentionPolicy: 'current',
      endedAt: null,
      endReason: null,
      counsellor: null,
      beneficiary: null,
      lastActivityAt: null,
    });
  });
});

describe('warning thresholds', () => {
  it('default to 20 h and 23 h of a 24 h cap, scaled to lower caps', () => {
    const { a } = makePair();
    expect(effectiveWarningThresholds(readMeta(a))).toEqual([20 * 3600, 23 * 3600]);
    const { a: short } = makePair({ hourCapSeconds: 12 * 3600 });
    expect(effectiveWarningThresholds(readMeta(short))).toEqual([10 * 3600, 11.5 * 3600]);
    const { a: tiny } = makePair({ hourCapSeconds: 60 });
    expect(effectiveWarningThresholds(readMeta(tiny))).toEqual([50, 57]);
    const { a: one } = makePair({ hourCapSeconds: 1 });
    expect(effectiveWarningThresholds(readMeta(one))).toEqual([]);
  });

  it('accept custom thresholds strictly inside the cap', () => {
    expect(parseWarningThresholds([300, 100], 600)).toEqual([100, 300]);
    expect(parseWarningThresholds([600], 600)).toBeNull();
    expect(parseWarningThresholds([0], 600)).toBeNull();
    expect(parseWarningThresholds([100, 100], 600)).toBeNull();
    expect(parseWarningThresholds([], 600)).toBeNull();
    const { a, counsellor } = makePair();
    expect(setWarningThresholds(a, counsellor.publicKey, [18 * 3600]).ok).toBe(true);
    expect(effectiveWarningThresholds(readMeta(a))).toEqual([18 * 3600]);
    expect(setWarningThresholds(a, counsellor.publicKey, null).ok).toBe(true);
    expect(effectiveWarningThresholds(readMeta(a))).toEqual([20 * 3600, 23 * 3600]);
  });
});

describe('settings', () => {
  it('are the counsellor’s, validated', () => {
    const { a, counsellor, beneficiary } = makePair();
    const stranger = makeDevice();
    expect(setHourCap(a, beneficiary.publicKey, 3600)).toEqual({ ok: false, error: 'not-allowed' });
    expect(setHourCap(a, stranger.publicKey, 3600)).toEqual({
      ok: false,
      error: 'unknown-device',
    });
    expect(setHourCap(a, counsellor.publicKey, 0)).toEqual({ ok: false, error: 'invalid-value' });
    expect(setHourCap(a, counsellor.publicKey, 60).ok).toBe(true);
    expect(setConventionDate(a, counsellor.publicKey, '2026-01-02').ok).toBe(true);
    expect(setDefaultMode(a, counsellor.publicKey, 'distanciel').ok).toBe(true);
    expect(setDefaultMode(a, counsellor.publicKey, 'video' as 'distanciel').ok).toBe(false);
    expect(setRetentionPolicy(a, counsellor.publicKey, 'legacy').ok).toBe(true);
    expect(readMeta(a)).toMatchObject({
      hourCapSeconds: 60,
      conventionDate: '2026-01-02',
      defaultMode: 'distanciel',
      retentionPolicy: 'legacy',
    });
    expect(setConventionDate(a, counsellor.publicKey, null).ok).toBe(true);
    expect(readMeta(a).conventionDate).toBeNull();
  });

  it('freeze the retention policy once the bilan has ended', () => {
    const { a, counsellor } = makePair();
    setPhase(a, counsellor.publicKey, 'investigation');
    setPhase(a, counsellor.publicKey, 'conclusion');
    expect(endBilan(a, counsellor.publicKey, T0 + HOUR, 'completed').ok).toBe(true);
    expect(setRetentionPolicy(a, counsellor.publicKey, 'legacy')).toEqual({
      ok: false,
      error: 'ended',
    });
  });

  it('track last activity per party, only forward', () => {
    const { a, b, counsellor, beneficiary } = makePair();
    expect(markActivity(a, counsellor.publicKey, T0 + HOUR).ok).toBe(true);
    expect(markActivity(a, counsellor.publicKey, T0).ok).toBe(true);
    expect(readMeta(a).lastActivityAt).toBe(T0 + HOUR);
    expect(markActivity(b, beneficiary.publicKey, T0 + 2 * HOUR).ok).toBe(true);
    expect(readMeta(b).lastActivityAt).toBe(T0 + 2 * HOUR);
    expect(markActivity(b, beneficiary.publicKey, -1)).toEqual({
      ok: false,
      error: 'invalid-time',
    });
  });
});
