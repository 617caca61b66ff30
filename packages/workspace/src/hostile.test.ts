/**
 * Any device holding the link can write anything into the document. Readers must return
 * typed defaults and never throw, whatever the shape of what they find.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { listRows } from './action-plan.ts';
import { classifyAuthor, verifiedAuthors } from './authors.ts';
import { excludedKeys, isExcluded } from './exclusions.ts';
import { attendanceReport } from './attendance.ts';
import { readConsents } from './consents.ts';
import { evidenceFromDoc } from './evidence.ts';
import { readLedger } from './ledger.ts';
import { readSatisfaction } from './satisfaction.ts';
import { readMeta } from './meta.ts';
import { listObservations } from './observations.ts';
import { classifyDevice } from './parties.ts';
import { retentionDeadline } from './retention.ts';
import { ALL_SHARED_NAMES, SECTION_IDS, SharedName } from './schema.ts';
import { bilanSummary } from './summary.ts';
import { canonicalSynthesis, synthesisWordCount } from './synthesis.ts';
import { hash, makeDevice, makePair, seededRandom, syncAll, T0, verify } from './test-support.ts';
import { tombstoneState } from './tombstone.ts';
import { validationState } from './validation.ts';

function readEverything(doc: Y.Doc, now: number) {
  readMeta(doc);
  classifyDevice(doc, makeDevice().publicKey);
  listRows(doc);
  listObservations(doc);
  readLedger(doc, now);
  attendanceReport(doc, now, verify);
  readConsents(doc, verify, now);
  validationState(doc, verify, hash);
  retentionDeadline(doc, verify);
  tombstoneState(doc, verify);
  synthesisWordCount(doc);
  canonicalSynthesis(doc);
  readSatisfaction(doc);
  classifyAuthor(doc, verifiedAuthors(doc, verify), doc.clientID);
  excludedKeys(doc);
  isExcluded(doc, makeDevice().publicKey);
  evidenceFromDoc(doc, now);
  return bilanSummary(doc, now, verify);
}

describe('a hostile document', () => {
  it('with every top-level type written in the wrong shape is read without throwing', () => {
    const { a, b } = makePair();
    const hostile = new Y.Doc();
    syncAll(a, hostile);
    const other = new Y.Doc();
    // Maps written as lists, lists written as maps, fragments written as maps.
    other.getArray(SharedName.meta).push([1, 'x', new Uint8Array(3)]);
    other.getArray(SharedName.ledger).push([{ startedAt: T0 }]);
    other.getArray(SharedName.actionPlan).push(['row']);
    other.getMap(SharedName.consents).set('x', 1);
    other.getMap(SharedName.tombstone).set('order', new Uint8Array(64));
    other.getArray(SharedName.authors).push([new Uint8Array(200)]);
    other.getArray(SharedName.excluded).push(['zz']);
    other.getText(SharedName.observations).insert(0, 'hello');
    for (const id of SECTION_IDS) other.getMap(`synthesis:${id}`).set('p', 'text');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(other));
    expect(() => readEverything(b, T0)).not.toThrow();
    expect(readEverything(b, T0)).toMatchObject({ counsellorName: 'Claire Martin' });
  });

  it('with random garbage in every key survives every reader (seeded)', () => {
    const seed = Number(process.env.SEED ?? Date.now() % 1_000_000);
    console.info(`hostile garbage test seed=${seed} (replay with SEED=${seed})`);
    const random = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const garbage = (depth = 0): unknown => {
      const makers: (() => unknown)[] = [
        () => null,
        () => random() * 1e20 - 1e10,
        () => Math.floor(random() * 4e12),
        () => pick([NaN, Infinity, -0, 2 ** 53]),
        () => pick(['', 'preliminaire', 'x'.repeat(5000), 'ok', '2026-01-01', '\u0000']),
        () => pick([true, false]),
        () => BigInt(Math.floor(random() * 1000)),
        () => new Uint8Array(pick([0, 16, 32, 64, 100])).map(() => Math.floor(random() * 256)),
        () => (depth < 3 ? [garbage(depth + 1), garbage(depth + 1)] : []),
        () => (depth < 3 ? { name: garbage(depth + 1), publicKey: garbage(depth + 1) } : {}),
        () => new Y.Map(),
        () => new Y.Text('t'),
        () => new Y.Array(),
      ];
      return pick(makers)();
    };
    // Values Yjs itself refuses to encode (e.g. a bare bigint in a map) cannot reach a peer.
    const tryWrite = (write: () => void) => {
      try {
        write();
      } catch {
        /* not encodable */
      }
    };
    for (let round = 0; round < 30; round++) {
      const pair = makePair();
      const doc = pair.a;
      const meta = doc.getMap(SharedName.meta);
      for (const key of [...meta.keys(), 'activity:counsellor', 'warningThresholdsSeconds']) {
        if (random() < 0.3) tryWrite(() => meta.set(key, garbage()));
      }
      for (const name of [SharedName.actionPlan, SharedName.ledger, SharedName.observations]) {
        const map = doc.getMap(name);
        for (let i = 0; i < 5; i++) {
          const entry = new Y.Map<unknown>();
          const value = random() < 0.7 ? entry : garbage();
          tryWrite(() => map.set(pick(['row1', 'bad key', 'x'.repeat(70), `s${i}`]), value));
          for (const key of [
            'order',
            'objective',
            'funding',
            'startedAt',
            'startedByKey',
            'phase',
            'mode',
            'hb:00',
            'stop:zz',
            'sig:counsellor',
            'text',
            'at',
          ]) {
            if (random() < 0.5 && entry.doc) tryWrite(() => entry.set(key, garbage()));
          }
        }
      }
      for (const name of [SharedName.consents, SharedName.validations, SharedName.tombstone]) {
        tryWrite(() => doc.getArray(name).push([garbage(), garbage()]));
      }
      const fragment = doc.getXmlFragment(`synthesis:${pick(SECTION_IDS)}`);
      const element = new Y.XmlElement(pick(['paragraph', 'hardBreak', 'x']));
      fragment.insert(0, [element]);
      tryWrite(() => element.setAttribute('level', garbage() as string));
      expect(() => readEverything(doc, pick([T0, NaN, -1, T0 * 10]))).not.toThrow();
    }
  });

  it('keeps the list of shared names in one place', () => {
    expect(ALL_SHARED_NAMES).toEqual([
      'meta',
      'actionPlan',
      'ledger',
      'consents',
      'observations',
      'validations',
      'tombstone',
      'satisfaction',
      'authors',
      'excluded',
      'synthesis:circonstances',
      'synthesis:competences',
      'synthesis:projet',
    ]);
  });
});
