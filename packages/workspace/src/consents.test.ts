import { describe, expect, it } from 'vitest';
import {
  activeConsents,
  consentRecordFor,
  readConsents,
  storeConsent,
  type ConsentDecision,
} from './consents.ts';
import { consentsArray } from './schema.ts';
import { encodeSignedEntry } from './signed.ts';
import { HOUR, makeDevice, makePair, syncAll, T0, verify, type Pair } from './test-support.ts';
import type * as Y from 'yjs';

const YEAR = 365 * 24 * HOUR;

function decide(pair: Pair, doc: Y.Doc, decision: ConsentDecision, now: number): string {
  const record = consentRecordFor(doc, pair.beneficiary.publicKey, decision, now, verify);
  if (!record.ok) throw new Error(record.error);
  const stored = storeConsent(doc, record.value, pair.beneficiary.sign(record.value));
  if (!stored.ok) throw new Error(stored.error);
  return record.value.consentId;
}

describe('consents', () => {
  it('are granted by the beneficiary and read on both sides', () => {
    const pair = makePair();
    const id = decide(pair, pair.b, { topic: 'retention', granted: true, deadline: T0 + YEAR }, T0);
    decide(
      pair,
      pair.b,
      { topic: 'third-party-sharing', thirdParty: 'Transitions Pro AURA', granted: true },
      T0 + 1000,
    );
    syncAll(pair.a, pair.b);
    const view = readConsents(pair.a, verify, T0 + HOUR);
    expect(view.rejected).toEqual([]);
    expect(view.consents.map((c) => c.topic)).toEqual(['third-party-sharing', 'retention']);
    expect(view.consents[1]).toMatchObject({
      consentId: id,
      granted: true,
      active: true,
      thirdParty: '',
      deadline: T0 + YEAR,
    });
    expect(view.consents[0]).toMatchObject({ thirdParty: 'Transitions Pro AURA', deadline: null });
    expect(activeConsents(view, 'retention')).toHaveLength(1);
    // Lapsed after its deadline.
    expect(activeConsents(readConsents(pair.a, verify, T0 + 2 * YEAR), 'retention')).toEqual([]);
  });

  it('are revocable: the latest signed decision wins, even when it arrives first', () => {
    const pair = makePair();
    const id = decide(pair, pair.b, { topic: 'assessment', thirdParty: 'IRMR', granted: true }, T0);
    const revoke = consentRecordFor(
      pair.b,
      pair.beneficiary.publicKey,
      { consentId: id, topic: 'assessment', thirdParty: 'IRMR', granted: false },
      T0 + HOUR,
      verify,
    );
    if (!revoke.ok) throw new Error(revoke.error);
    // The counsellor's copy gets the revocation before the grant.
    storeConsent(pair.a, revoke.value, pair.beneficiary.sign(revoke.value));
    syncAll(pair.a, pair.b);
    for (const doc of [pair.a, pair.b]) {
      const consent = readConsents(doc, verify, T0 + 2 * HOUR).consents[0];
      expect(consent).toMatchObject({ consentId: id, granted: false, active: false });
      expect(consent?.history.map((r) => r.granted)).toEqual([true, false]);
    }
    decide(
      pair,
      pair.b,
      { consentId: id, topic: 'assessment', thirdParty: 'IRMR', granted: true },
      T0 + 3 * HOUR,
    );
    expect(readConsents(pair.b, verify, T0 + 4 * HOUR).consents[0]?.active).toBe(true);
  });

  it('let a revocation win over a grant signed at the same millisecond', () => {
    const pair = makePair();
    const base = { consentId: 'same-time', topic: 'retention' } as const;
    decide(pair, pair.b, { ...base, granted: false }, T0);
    decide(pair, pair.b, { ...base, granted: true }, T0);
    expect(readConsents(pair.b, verify, T0).consents[0]?.granted).toBe(false);
  });

  it('refuse invalid decisions', () => {
    const pair = makePair();
    const k = pair.beneficiary.publicKey;
    const at = (d: ConsentDecision, key = k) => consentRecordFor(pair.b, key, d, T0, verify);
    expect(at({ topic: 'retention', granted: true }, pair.counsellor.publicKey)).toEqual({
      ok: false,
      error: 'not-beneficiary',
    });
    expect(at({ topic: 'third-party-sharing', granted: true })).toEqual({
      ok: false,
      error: 'third-party-required',
    });
    expect(at({ topic: 'third-party-sharing', thirdParty: ' ', granted: true }).ok).toBe(false);
    expect(at({ topic: 'retention', granted: true, deadline: T0 - 1 })).toEqual({
      ok: false,
      error: 'invalid-deadline',
    });
    expect(at({ topic: 'gossip' as 'retention', granted: true })).toEqual({
      ok: false,
      error: 'invalid-topic',
    });
    expect(at({ consentId: 'bad id', topic: 'retention', granted: true })).toEqual({
      ok: false,
      error: 'invalid-id',
    });
    const id = decide(
      pair,
      pair.b,
      { topic: 'third-party-sharing', thirdParty: 'Employeur', granted: true },
      T0,
    );
    expect(
      at({ consentId: id, topic: 'third-party-sharing', thirdParty: 'Autre', granted: false }),
    ).toEqual({
      ok: false,
      error: 'topic-mismatch',
    });
  });

  it('ignore decisions signed by the counsellor, a stranger or forged, and garbage', () => {
    const pair = makePair();
    const good = consentRecordFor(
      pair.b,
      pair.beneficiary.publicKey,
      { topic: 'retention', granted: true },
      T0,
      verify,
    );
    if (!good.ok) throw new Error(good.error);
    const byCounsellor = {
      ...good.value,
      signerRole: 'counsellor' as const,
      signerKey: pair.counsellor.publicKey,
    };
    expect(storeConsent(pair.a, byCounsellor, pair.counsellor.sign(byCounsellor))).toEqual({
      ok: false,
      error: 'not-beneficiary',
    });
    const stranger = makeDevice();
    const byStranger = { ...good.value, signerKey: stranger.publicKey };
    const forged = pair.beneficiary.sign(good.value);
    forged[0] = (forged[0] ?? 0) ^ 0xff;
    consentsArray(pair.a).push([
      encodeSignedEntry(byCounsellor, pair.counsellor.sign(byCounsellor))!,
      encodeSignedEntry(byStranger, stranger.sign(byStranger))!,
      encodeSignedEntry(good.value, forged)!,
      'garbage',
      { granted: true },
    ]);
    const view = readConsents(pair.a, verify, T0);
    expect(view.consents).toEqual([]);
    expect(view.rejected).toEqual([
      'wrong-role',
      'unknown-key',
      'forged',
      'malformed',
      'malformed',
    ]);
  });
});
