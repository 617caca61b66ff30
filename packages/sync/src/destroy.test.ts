import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { TandemDevice } from './device.ts';
import { nodeSocket, relayTestBed, until } from './testing/node.ts';

const MARKER = 'Phrase-témoin: reconversion en ébénisterie';

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, 'utf8'));
}

describe('destroy, tombstones and personal copies', () => {
  const bed = relayTestBed();

  it('a personal copy is sealed at rest, reopens intact, and survives the destroy', async () => {
    const device = await TandemDevice.open(globalThis.indexedDB);
    const bilanId = await device.createBilan();
    const session = await device.openSession(bilanId, {
      relayUrl: 'http://127.0.0.1:9',
      p2p: false,
      createSocket: () => {
        throw new Error('offline');
      },
    });
    session.doc.getText('synthesis').insert(0, MARKER);
    const copyId = await device.keepPersonalCopy(bilanId, session.doc, 'Mon bilan');

    await device.destroyBilan(bilanId, { envelope: Uint8Array.of(1, 2, 3), announceUntil: null });
    expect(await device.getBilan(bilanId)).toBeNull();
    expect(await device.listTombstones()).toEqual([]);

    const copies = await device.listPersonalCopies();
    expect(copies).toEqual([expect.objectContaining({ copyId, bilanId, title: 'Mon bilan' })]);
    const reopened = await device.openPersonalCopy(copyId);
    expect(reopened?.getText('synthesis').toString()).toBe(MARKER);

    // What is stored is sealed: the marker is in none of its bytes.
    const request = indexedDB.open('tandem-keystore');
    const db = await new Promise<IDBDatabase>(
      (resolve) => (request.onsuccess = () => resolve(request.result)),
    );
    const stored = await new Promise<{ sealedChunks: Uint8Array[] }>((resolve) => {
      const get = db.transaction('personal').objectStore('personal').get(copyId);
      get.onsuccess = () => resolve(get.result);
    });
    db.close();
    expect(stored.sealedChunks.length).toBeGreaterThan(0);
    expect(stored.sealedChunks.some((chunk) => contains(chunk, MARKER))).toBe(false);
    expect(stored.sealedChunks.some((chunk) => contains(chunk, 'ébénisterie'))).toBe(false);

    await device.deletePersonalCopy(copyId);
    expect(await device.listPersonalCopies()).toEqual([]);
  });

  it('the destroying device re-announces its tombstone until the other side comes back', async () => {
    const relay = await bed.startRelay();
    const options = { relayUrl: relay.url, createSocket: nodeSocket, p2p: false };
    // Two devices: separate keystores (separate IDBFactory instances).
    const { IDBFactory } = await import('fake-indexeddb');
    const counsellor = await TandemDevice.open(new IDBFactory());
    const beneficiary = await TandemDevice.open(new IDBFactory());
    bed.devices.push(counsellor, beneficiary);
    const bilanId = await counsellor.createBilan();
    const link = await counsellor.inviteLink(bilanId, relay.url);
    await beneficiary.acceptLink(new URL(link).hash);

    const envelope = Uint8Array.from([7, 7, 7, 42]);
    await counsellor.destroyBilan(bilanId, { envelope, announceUntil: Date.now() + 60_000 });
    expect(await counsellor.getBilan(bilanId)).toBeNull();
    expect(await counsellor.listTombstones()).toEqual([expect.objectContaining({ bilanId })]);
    await counsellor.startBeacons(options);

    // The beneficiary comes online later and is told.
    const received: Uint8Array[] = [];
    const session = await beneficiary.openSession(bilanId, {
      ...options,
      onTombstone: (payload) => received.push(payload),
    });
    try {
      await until(() => received.length > 0, 'the tombstone announcement');
      expect(received[0]).toEqual(envelope);
    } finally {
      await session.close();
    }
  });
});
