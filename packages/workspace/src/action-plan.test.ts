import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addRow,
  deleteRow,
  EMPTY_ROW,
  listRows,
  moveRow,
  observeActionPlan,
  updateField,
  type ActionRow,
} from './action-plan.ts';
import { actionPlanMap } from './schema.ts';
import { makeDevice, makePair, seededRandom, syncAll } from './test-support.ts';

const ids = (doc: Y.Doc) => listRows(doc).map((r) => r.id);
const objectives = (doc: Y.Doc) => listRows(doc).map((r) => r.objective);

function addRows(doc: Y.Doc, key: Uint8Array, names: string[]): string[] {
  return names.map((objective) => {
    const added = addRow(doc, key, { fields: { objective } });
    if (!added.ok) throw new Error(added.error);
    return added.value;
  });
}

describe('action plan rows', () => {
  it('are added at the end, at the top or after a row, with validated fields', () => {
    const { a, counsellor: c } = makePair();
    const [first, second] = addRows(a, c.publicKey, ['A', 'B']);
    addRow(a, c.publicKey, { after: null, fields: { objective: 'top' } });
    addRow(a, c.publicKey, { after: first!, fields: { objective: 'A2' } });
    expect(objectives(a)).toEqual(['top', 'A', 'A2', 'B']);
    const row = listRows(a).find((r) => r.id === second)!;
    expect(row).toEqual({ ...EMPTY_ROW, id: second!, objective: 'B' } satisfies ActionRow);
    expect(addRow(a, c.publicKey, { after: 'nope' })).toEqual({ ok: false, error: 'no-such-row' });
    expect(addRow(a, c.publicKey, { fields: { status: 'done' as 'fait' } })).toEqual({
      ok: false,
      error: 'invalid-value',
    });
  });

  it('update each field with validation', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const [id] = addRows(a, c.publicKey, ['Formation']);
    syncAll(a, b);
    const ok = (r: { ok: boolean }) => expect(r.ok).toBe(true);
    ok(updateField(b, k.publicKey, id!, 'action', "S'inscrire au titre pro"));
    ok(updateField(b, k.publicKey, id!, 'deadline', '2026-06-30'));
    ok(updateField(b, k.publicKey, id!, 'funding', ['transitions-pro', 'cpf', 'cpf']));
    ok(updateField(b, k.publicKey, id!, 'status', 'en_cours'));
    ok(updateField(b, k.publicKey, id!, 'project', 'alternative'));
    ok(updateField(b, k.publicKey, id!, 'contact', 'AFPA Lyon'));
    ok(updateField(b, k.publicKey, id!, 'indicator', 'Inscription confirmée'));
    ok(updateField(b, k.publicKey, id!, 'resources', 'Dossier CPF'));
    expect(listRows(b)[0]).toMatchObject({
      deadline: '2026-06-30',
      funding: ['cpf', 'transitions-pro'],
      status: 'en_cours',
      project: 'alternative',
    });
    ok(updateField(b, k.publicKey, id!, 'deadline', null));
    expect(listRows(b)[0]?.deadline).toBeNull();
    const bad: [Parameters<typeof updateField>[3], unknown][] = [
      ['deadline', '2026-02-30'],
      ['funding', ['bank']],
      ['status', 'fini'],
      ['project', 'other'],
      ['objective', 'x'.repeat(2001)],
      ['objective', 12],
    ];
    for (const [field, value] of bad) {
      expect(updateField(b, k.publicKey, id!, field, value as never)).toEqual({
        ok: false,
        error: 'invalid-value',
      });
    }
    expect(updateField(b, k.publicKey, 'nope', 'objective', 'x').ok).toBe(false);
    expect(updateField(b, makeDevice().publicKey, id!, 'objective', 'x')).toEqual({
      ok: false,
      error: 'unknown-device',
    });
  });

  it('move up, down and to an index, and delete', () => {
    const { a, counsellor: c } = makePair();
    const [r1, , r3] = addRows(a, c.publicKey, ['1', '2', '3', '4']);
    moveRow(a, c.publicKey, r3!, 'up');
    expect(objectives(a)).toEqual(['1', '3', '2', '4']);
    moveRow(a, c.publicKey, r1!, 'down');
    expect(objectives(a)).toEqual(['3', '1', '2', '4']);
    moveRow(a, c.publicKey, r1!, { index: 3 });
    expect(objectives(a)).toEqual(['3', '2', '4', '1']);
    moveRow(a, c.publicKey, r1!, { index: -10 });
    expect(objectives(a)).toEqual(['1', '3', '2', '4']);
    expect(moveRow(a, c.publicKey, r1!, 'up').ok).toBe(true);
    expect(moveRow(a, c.publicKey, r1!, { index: 1.5 })).toEqual({
      ok: false,
      error: 'invalid-value',
    });
    expect(deleteRow(a, c.publicKey, r3!).ok).toBe(true);
    expect(objectives(a)).toEqual(['1', '2', '4']);
    expect(deleteRow(a, c.publicKey, r3!)).toEqual({ ok: false, error: 'no-such-row' });
  });

  it('notify observers with the sorted rows', () => {
    const { a, b, counsellor: c } = makePair();
    const seen: string[][] = [];
    const stop = observeActionPlan(b, (rows) => seen.push(rows.map((r) => r.objective)));
    addRows(a, c.publicKey, ['x', 'y']);
    syncAll(a, b);
    stop();
    addRows(a, c.publicKey, ['z']);
    syncAll(a, b);
    expect(seen).toEqual([['x', 'y']]);
  });
});

describe('action plan under concurrency', () => {
  it('merges concurrent edits of different fields of one row while it is moved', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const [r1, r2, r3] = addRows(a, c.publicKey, ['1', '2', '3']);
    syncAll(a, b);
    // Apart: the counsellor moves row 3 to the top and edits its action; the beneficiary
    // edits row 3's deadline and status, and moves row 1 to the end.
    moveRow(a, c.publicKey, r3!, { index: 0 });
    updateField(a, c.publicKey, r3!, 'action', 'Rencontrer 3 professionnels');
    updateField(b, k.publicKey, r3!, 'deadline', '2026-03-01');
    updateField(b, k.publicKey, r3!, 'status', 'en_cours');
    moveRow(b, k.publicKey, r1!, { index: 2 });
    syncAll(a, b);
    expect(listRows(a)).toEqual(listRows(b));
    expect(ids(a)).toEqual([r3, r2, r1]);
    expect(listRows(a)[0]).toMatchObject({
      objective: '3',
      action: 'Rencontrer 3 professionnels',
      deadline: '2026-03-01',
      status: 'en_cours',
    });
  });

  it('resolves concurrent moves of one row to a single position, without duplicates', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const [r1] = addRows(a, c.publicKey, ['1', '2', '3', '4']);
    syncAll(a, b);
    moveRow(a, c.publicKey, r1!, { index: 3 });
    moveRow(b, k.publicKey, r1!, { index: 1 });
    updateField(b, k.publicKey, r1!, 'indicator', 'ok');
    syncAll(a, b);
    expect(ids(a)).toEqual(ids(b));
    expect(ids(a)).toHaveLength(4);
    expect(listRows(a).find((r) => r.id === r1)?.indicator).toBe('ok');
  });

  it('keeps both rows inserted at the same place at the same time, in the same order', () => {
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const [r1] = addRows(a, c.publicKey, ['1', '2']);
    syncAll(a, b);
    addRow(a, c.publicKey, { after: r1!, fields: { objective: 'from A' } });
    addRow(b, k.publicKey, { after: r1!, fields: { objective: 'from B' } });
    syncAll(a, b);
    expect(objectives(a)).toEqual(objectives(b));
    expect(objectives(a).slice(1, 3).sort()).toEqual(['from A', 'from B']);
    expect(objectives(a)[3]).toBe('2');
  });

  it('converges under random concurrent adds, moves, edits and deletes', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.info(`action-plan random test seed=${seed} (replay with SEED=${seed})`);
    const random = seededRandom(seed);
    const { a, b, counsellor: c, beneficiary: k } = makePair();
    const peers: [Y.Doc, Uint8Array][] = [
      [a, c.publicKey],
      [b, k.publicKey],
    ];
    for (let round = 0; round < 30; round++) {
      for (const [doc, key] of peers) {
        for (let op = 0; op < 4; op++) {
          const rows = ids(doc);
          const pick = rows[Math.floor(random() * rows.length)];
          const roll = random();
          if (roll < 0.3 || pick === undefined) addRow(doc, key, { after: pick ?? null });
          else if (roll < 0.6)
            moveRow(doc, key, pick, { index: Math.floor(random() * rows.length) });
          else if (roll < 0.9) updateField(doc, key, pick, 'objective', `r${round}-${op}`);
          else deleteRow(doc, key, pick);
        }
      }
      if (random() < 0.5) syncAll(a, b);
    }
    syncAll(a, b);
    expect(listRows(a)).toEqual(listRows(b));
    expect(new Set(ids(a)).size).toBe(ids(a).length);
  });
});

describe('action plan read from a hostile document', () => {
  it('skips non-rows, defaults garbage fields, sorts garbage order keys last', () => {
    const { a, counsellor: c } = makePair();
    const [good] = addRows(a, c.publicKey, ['good']);
    const map = actionPlanMap(a);
    map.set('not a row id!', new Y.Map());
    map.set('plainObject', { objective: 'x' });
    map.set('number', 5);
    const row = new Y.Map<unknown>();
    map.set('garbageRow', row);
    row.set('order', '!!');
    row.set('objective', new Y.Text('rich'));
    row.set('deadline', 20260101);
    row.set('funding', 'cpf');
    row.set('status', null);
    row.set('project', ['main']);
    const rows = listRows(a);
    expect(rows.map((r) => r.id)).toEqual([good, 'garbageRow']);
    expect(rows[1]).toEqual({ ...EMPTY_ROW, id: 'garbageRow' });
    // Moving the garbage row gives it a valid key.
    expect(moveRow(a, c.publicKey, 'garbageRow', { index: 0 }).ok).toBe(true);
    expect(ids(a)).toEqual(['garbageRow', good]);
  });
});
