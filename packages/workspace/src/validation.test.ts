import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { setPhase } from './phases.ts';
import { sectionFragment } from './schema.ts';
import { encodeSignedEntry } from './signed.ts';
import { validationsArray } from './schema.ts';
import { hash, makePair, syncAll, T0, verify, type Pair } from './test-support.ts';
import { storeValidation, validationRecordFor, validationState } from './validation.ts';

function write(doc: Y.Doc, text: string): Y.XmlText {
  const fragment = sectionFragment(doc, 'projet');
  const paragraph = new Y.XmlElement('paragraph');
  fragment.insert(fragment.length, [paragraph]);
  const node = new Y.XmlText();
  paragraph.insert(0, [node]);
  node.insert(0, text);
  return node;
}

function toConclusion(pair: Pair) {
  setPhase(pair.a, pair.counsellor.publicKey, 'investigation');
  setPhase(pair.a, pair.counsellor.publicKey, 'conclusion');
  syncAll(pair.a, pair.b);
}

function validate(pair: Pair, doc: Y.Doc, now: number) {
  const record = validationRecordFor(doc, pair.beneficiary.publicKey, now, hash);
  if (!record.ok) throw new Error(record.error);
  return storeValidation(doc, record.value, pair.beneficiary.sign(record.value));
}

describe('validation of the synthesis', () => {
  it('goes none → valid → stale on edit → valid again, on both copies', () => {
    const pair = makePair();
    toConclusion(pair);
    const text = write(pair.a, 'Projet : formatrice pour adultes.');
    syncAll(pair.a, pair.b);
    expect(validationState(pair.a, verify, hash)).toMatchObject({ state: 'none', record: null });
    expect(validate(pair, pair.b, T0).ok).toBe(true);
    syncAll(pair.a, pair.b);
    for (const doc of [pair.a, pair.b]) {
      expect(validationState(doc, verify, hash)).toMatchObject({ state: 'valid', rejected: [] });
    }
    text.insert(0, 'Nouveau ');
    syncAll(pair.a, pair.b);
    expect(validationState(pair.b, verify, hash).state).toBe('stale');
    // Back to exactly the signed text: that version is signed.
    text.delete(0, 'Nouveau '.length);
    expect(validationState(pair.a, verify, hash).state).toBe('valid');
    text.format(0, 6, { bold: {} });
    expect(validationState(pair.a, verify, hash).state).toBe('stale');
    syncAll(pair.a, pair.b);
    expect(validate(pair, pair.b, T0 + 1000).ok).toBe(true);
    syncAll(pair.a, pair.b);
    expect(validationState(pair.a, verify, hash)).toMatchObject({
      state: 'valid',
      record: { at: T0 + 1000 },
    });
  });

  it('is the beneficiary’s, in conclusion, on a non-empty synthesis', () => {
    const pair = makePair();
    const k = pair.beneficiary.publicKey;
    expect(validationRecordFor(pair.b, k, T0, hash)).toEqual({
      ok: false,
      error: 'not-conclusion',
    });
    toConclusion(pair);
    expect(validationRecordFor(pair.b, k, T0, hash)).toEqual({
      ok: false,
      error: 'empty-synthesis',
    });
    write(pair.b, 'Texte');
    expect(validationRecordFor(pair.b, pair.counsellor.publicKey, T0, hash)).toEqual({
      ok: false,
      error: 'not-beneficiary',
    });
    expect(validationRecordFor(pair.b, k, T0, () => new Uint8Array(1))).toEqual({
      ok: false,
      error: 'hash-failed',
    });
    expect(validationRecordFor(pair.b, k, T0, hash).ok).toBe(true);
  });

  it('ignores forged validations and ones signed by the counsellor', () => {
    const pair = makePair();
    toConclusion(pair);
    write(pair.a, 'Texte');
    const record = validationRecordFor(pair.a, pair.beneficiary.publicKey, T0, hash);
    if (!record.ok) throw new Error(record.error);
    const forged = pair.beneficiary.sign(record.value);
    forged[63] = (forged[63] ?? 0) ^ 1;
    const byCounsellor = {
      ...record.value,
      signerRole: 'counsellor' as const,
      signerKey: pair.counsellor.publicKey,
    };
    expect(storeValidation(pair.a, byCounsellor, pair.counsellor.sign(byCounsellor))).toEqual({
      ok: false,
      error: 'not-beneficiary',
    });
    validationsArray(pair.a).push([
      encodeSignedEntry(record.value, forged)!,
      encodeSignedEntry(byCounsellor, pair.counsellor.sign(byCounsellor))!,
      new Uint8Array(5),
    ]);
    expect(validationState(pair.a, verify, hash)).toEqual({
      state: 'none',
      record: null,
      rejected: ['forged', 'wrong-role', 'malformed'],
    });
  });
});
