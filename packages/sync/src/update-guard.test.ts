import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkUpdate } from './update-guard.ts';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));

/** One client's structs from `clock` (each written by hand), then a delete set. */
function craftUpdate(
  client: number,
  clock: number,
  writeStructs: ((encoder: encoding.Encoder) => void)[],
  deletes: [client: number, clock: number, len: number][] = [],
): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, writeStructs.length);
  encoding.writeVarUint(encoder, client);
  encoding.writeVarUint(encoder, clock);
  for (const write of writeStructs) write(encoder);
  encoding.writeVarUint(encoder, deletes.length);
  for (const [deleteClient, deleteClock, len] of deletes) {
    encoding.writeVarUint(encoder, deleteClient);
    encoding.writeVarUint(encoder, 1);
    encoding.writeVarUint(encoder, deleteClock);
    encoding.writeVarUint(encoder, len);
  }
  return encoding.toUint8Array(encoder);
}

const stringInRoot = (root: string, value: string) => (encoder: encoding.Encoder) => {
  encoding.writeUint8(encoder, 4);
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarString(encoder, root);
  encoding.writeVarString(encoder, value);
};
const stringAfter =
  (client: number, clock: number, value: string) => (encoder: encoding.Encoder) => {
    encoding.writeUint8(encoder, 0x84);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, value);
  };
const stringInParent =
  (client: number, clock: number, value: string) => (encoder: encoding.Encoder) => {
    encoding.writeUint8(encoder, 4);
    encoding.writeVarUint(encoder, 0);
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, value);
  };

describe('checkUpdate', () => {
  it(`accepts every update honest editing produces (SEED=${SEED})`, () => {
    const random = prng.create(SEED);
    const docs = [new Y.Doc(), new Y.Doc()];
    const updates: Uint8Array[] = [];
    docs.forEach((doc) => doc.on('update', (update: Uint8Array) => updates.push(update)));
    for (let i = 0; i < 300; i++) {
      const doc = prng.oneOf(random, docs);
      const text = doc.getText('t');
      const fragment = doc.getXmlFragment('s');
      const rows = doc.getArray<Y.Map<string>>('plan');
      switch (prng.uint32(random, 0, 5)) {
        case 0:
          text.insert(prng.uint32(random, 0, text.length), prng.word(random, 1, 5));
          break;
        case 1:
          if (text.length > 0) text.delete(prng.uint32(random, 0, text.length - 1), 1);
          break;
        case 2: {
          const paragraph = new Y.XmlElement('paragraph');
          fragment.insert(0, [paragraph]);
          paragraph.insert(0, [new Y.XmlText(prng.word(random, 1, 9))]);
          break;
        }
        case 3: {
          const row = new Y.Map<string>();
          rows.push([row]);
          row.set('action', prng.word(random, 1, 9));
          break;
        }
        case 4:
          if (rows.length > 0) rows.delete(0, 1);
          break;
        default:
          text.format(0, Math.min(3, text.length), { bold: true });
      }
      if (prng.bool(random)) {
        const [from, to] = prng.bool(random) ? docs : [docs[1]!, docs[0]!];
        Y.applyUpdate(to!, Y.encodeStateAsUpdate(from!, Y.encodeStateVector(to!)));
      }
    }
    updates.push(Y.encodeStateAsUpdate(docs[0]!), Y.mergeUpdates(updates));
    expect(updates.filter((update) => checkUpdate(update) !== null)).toEqual([]);
  });

  it('refuses what Yjs would half-apply or trip over later', () => {
    const whole = craftUpdate(7, 0, [stringInRoot('t', 'abc')], [[7, 0, 1]]);
    expect(checkUpdate(whole)).toBeNull();
    expect(checkUpdate(whole.subarray(0, whole.length - 1))).toBe('undecodable');
    expect(checkUpdate(new Uint8Array([1, 2, 3]))).toBe('undecodable');
    expect(checkUpdate(craftUpdate(7, 0, [stringInRoot('t', 'a')], [[9, 4, 0]]))).toBe(
      'empty-range',
    );
    expect(checkUpdate(craftUpdate(7, 0, [stringInRoot('t', '')]))).toBe('empty-range');
    expect(checkUpdate(craftUpdate(7, 3, [stringInParent(7, 9, 'x')]))).toBe('forward-reference');
    expect(checkUpdate(craftUpdate(7, 3, [stringInParent(7, 3, 'x')]))).toBe('forward-reference');
    expect(checkUpdate(craftUpdate(7, 3, [stringAfter(7, 4, 'x')]))).toBe('forward-reference');
    // Other clients' ids, and one's own past, are fine (Yjs waits for what is missing).
    expect(checkUpdate(craftUpdate(7, 3, [stringAfter(7, 2, 'x')]))).toBeNull();
    expect(checkUpdate(craftUpdate(7, 3, [stringInParent(8, 90, 'x')]))).toBeNull();
  });
});
