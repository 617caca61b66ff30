import { describe, expect, it } from 'vitest';
import {
  addObservation,
  deleteObservation,
  editObservation,
  listObservations,
  observeObservations,
} from './observations.ts';
import { observationsMap } from './schema.ts';
import { makeDevice, makePair, MINUTE, syncAll, T0 } from './test-support.ts';

describe('observations on the synthesis', () => {
  it('are written by the beneficiary and read on both sides', () => {
    const { a, b, beneficiary: k } = makePair();
    const seen: number[] = [];
    const stop = observeObservations(a, (list) => seen.push(list.length));
    const general = addObservation(b, k.publicKey, { text: ' Je ne suis pas d’accord. ' }, T0);
    const onSection = addObservation(
      b,
      k.publicKey,
      { text: 'Ajouter mon expérience associative', section: 'competences' },
      T0 + MINUTE,
    );
    expect(general.ok && onSection.ok).toBe(true);
    syncAll(a, b);
    stop();
    expect(seen).toEqual([2]);
    expect(listObservations(a)).toEqual([
      {
        id: general.ok ? general.value : '',
        text: 'Je ne suis pas d’accord.',
        section: null,
        at: T0,
        editedAt: null,
      },
      expect.objectContaining({ section: 'competences', at: T0 + MINUTE }),
    ]);
  });

  it('may be corrected and deleted by the beneficiary only', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    expect(addObservation(a, c.publicKey, { text: 'Note du conseiller' }, T0)).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    const added = addObservation(b, k.publicKey, { text: 'Premier jet' }, T0);
    if (!added.ok) throw new Error(added.error);
    syncAll(a, b);
    expect(editObservation(a, c.publicKey, added.value, 'changé', T0 + 1)).toEqual({
      ok: false,
      error: 'not-allowed',
    });
    expect(editObservation(b, k.publicKey, added.value, 'Version corrigée', T0 + MINUTE).ok).toBe(
      true,
    );
    expect(listObservations(b)[0]).toMatchObject({
      text: 'Version corrigée',
      at: T0,
      editedAt: T0 + MINUTE,
    });
    expect(editObservation(b, k.publicKey, added.value, '  ', T0)).toEqual({
      ok: false,
      error: 'invalid-text',
    });
    expect(deleteObservation(a, c.publicKey, added.value).ok).toBe(false);
    expect(deleteObservation(b, k.publicKey, added.value).ok).toBe(true);
    expect(deleteObservation(b, k.publicKey, added.value)).toEqual({
      ok: false,
      error: 'no-such-observation',
    });
    expect(listObservations(b)).toEqual([]);
  });

  it('validate input', () => {
    const { b, beneficiary: k } = makePair();
    expect(addObservation(b, k.publicKey, { text: '' }, T0).ok).toBe(false);
    expect(addObservation(b, k.publicKey, { text: 'x'.repeat(10_001) }, T0).ok).toBe(false);
    expect(
      addObservation(b, k.publicKey, { text: 'x', section: 'annexe' as 'projet' }, T0),
    ).toEqual({ ok: false, error: 'invalid-section' });
    expect(addObservation(b, k.publicKey, { text: 'x' }, -1)).toEqual({
      ok: false,
      error: 'invalid-time',
    });
  });

  it('ignore entries not written by the pinned beneficiary, and garbage', () => {
    const { a, counsellor: c } = makePair();
    const map = observationsMap(a);
    map.set('byCounsellor', { authorKey: c.publicKey, text: 'x', at: T0 });
    map.set('byStranger', { authorKey: makeDevice().publicKey, text: 'x', at: T0 });
    map.set('noText', { authorKey: c.publicKey, at: T0 });
    map.set('bad id!', { text: 'x' });
    map.set('number', 3);
    expect(listObservations(a)).toEqual([]);
  });
});
