import { describe, expect, it } from 'vitest';
import { consentRecordFor, storeConsent, type ConsentDecision } from './consents.ts';
import { endBilan, followUpDate } from './lifecycle.ts';
import { readMeta } from './meta.ts';
import { setPhase } from './phases.ts';
import { isPastRetention, retentionDeadline } from './retention.ts';
import { setRetentionPolicy } from './settings.ts';
import { HOUR, makePair, syncAll, T0, verify, type Pair } from './test-support.ts';

const END = Date.UTC(2026, 2, 31, 17);

function decide(pair: Pair, decision: ConsentDecision, now: number): string {
  const record = consentRecordFor(pair.b, pair.beneficiary.publicKey, decision, now, verify);
  if (!record.ok) throw new Error(record.error);
  storeConsent(pair.b, record.value, pair.beneficiary.sign(record.value));
  syncAll(pair.a, pair.b);
  return record.value.consentId;
}

function end(pair: Pair, at = END) {
  setPhase(pair.a, pair.counsellor.publicKey, 'investigation');
  setPhase(pair.a, pair.counsellor.publicKey, 'conclusion');
  const ended = endBilan(pair.a, pair.counsellor.publicKey, at, 'completed');
  if (!ended.ok) throw new Error(ended.error);
  syncAll(pair.a, pair.b);
}

describe('retention deadline', () => {
  it('has none while the bilan runs', () => {
    const pair = makePair();
    decide(pair, { topic: 'retention', granted: true }, T0);
    expect(retentionDeadline(pair.a, verify)).toEqual({ state: 'not-ended' });
    expect(isPastRetention(pair.a, verify, Date.UTC(2099, 0, 1))).toBe(false);
  });

  it('is the end itself without a retention consent', () => {
    const pair = makePair();
    decide(pair, { topic: 'third-party-sharing', thirdParty: 'Employeur', granted: true }, T0);
    end(pair);
    expect(retentionDeadline(pair.b, verify)).toEqual({
      state: 'scheduled',
      at: END,
      basis: 'no-consent',
      policy: 'current',
      endedAt: END,
    });
    expect(isPastRetention(pair.b, verify, END - 1)).toBe(false);
    expect(isPastRetention(pair.b, verify, END)).toBe(true);
  });

  it('is 3 years after the end with consent (current rule), 1 year under the legacy rule', () => {
    const current = makePair();
    decide(current, { topic: 'retention', granted: true }, T0);
    end(current);
    expect(retentionDeadline(current.a, verify)).toMatchObject({
      at: Date.UTC(2029, 2, 31, 17),
      basis: 'consent',
    });
    const legacy = makePair();
    setRetentionPolicy(legacy.a, legacy.counsellor.publicKey, 'legacy');
    decide(legacy, { topic: 'retention', granted: true }, T0);
    end(legacy);
    expect(retentionDeadline(legacy.b, verify)).toMatchObject({
      at: Date.UTC(2027, 2, 31, 17),
      policy: 'legacy',
    });
    expect(isPastRetention(legacy.b, verify, Date.UTC(2027, 2, 31, 16))).toBe(false);
    expect(isPastRetention(legacy.b, verify, Date.UTC(2027, 2, 31, 17))).toBe(true);
  });

  it('is bounded by the consent’s own deadline, never beyond the policy', () => {
    const short = makePair();
    decide(short, { topic: 'retention', granted: true, deadline: Date.UTC(2027, 0, 1) }, T0);
    end(short);
    expect(retentionDeadline(short.a, verify)).toMatchObject({ at: Date.UTC(2027, 0, 1) });
    const long = makePair();
    decide(long, { topic: 'retention', granted: true, deadline: Date.UTC(2040, 0, 1) }, T0);
    end(long);
    expect(retentionDeadline(long.a, verify)).toMatchObject({ at: Date.UTC(2029, 2, 31, 17) });
  });

  it('falls back to the end when the consent is revoked, even after the end', () => {
    const pair = makePair();
    const id = decide(pair, { topic: 'retention', granted: true }, T0);
    end(pair);
    decide(pair, { consentId: id, topic: 'retention', granted: false }, END + 30 * 24 * HOUR);
    expect(retentionDeadline(pair.a, verify)).toMatchObject({ at: END, basis: 'no-consent' });
    expect(isPastRetention(pair.a, verify, END + 30 * 24 * HOUR)).toBe(true);
  });

  it('ignores a forged retention consent', () => {
    const pair = makePair();
    const record = consentRecordFor(
      pair.b,
      pair.beneficiary.publicKey,
      { topic: 'retention', granted: true },
      T0,
      verify,
    );
    if (!record.ok) throw new Error(record.error);
    storeConsent(pair.b, record.value, new Uint8Array(64));
    end(pair);
    syncAll(pair.a, pair.b);
    expect(retentionDeadline(pair.b, verify)).toMatchObject({ basis: 'no-consent' });
  });
});

describe('the end of the bilan', () => {
  it('is the counsellor’s; completed needs the conclusion, abandoned does not', () => {
    const pair = makePair();
    const c = pair.counsellor.publicKey;
    expect(endBilan(pair.b, pair.beneficiary.publicKey, END, 'abandoned')).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(endBilan(pair.a, c, END, 'completed')).toEqual({ ok: false, error: 'not-conclusion' });
    expect(endBilan(pair.a, c, END, 'abandoned').ok).toBe(true);
    expect(endBilan(pair.a, c, END + 1, 'abandoned')).toEqual({
      ok: false,
      error: 'already-ended',
    });
    expect(readMeta(pair.a)).toMatchObject({ endedAt: END, endReason: 'abandoned' });
    expect(followUpDate(readMeta(pair.a))).toBe(Date.UTC(2026, 8, 30, 17));
    expect(followUpDate(readMeta(pair.a), 12)).toBe(Date.UTC(2027, 2, 31, 17));
  });
});
