import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { TandemDevice } from './device.ts';
import { KEYSTORE_DB_NAME } from './keystore.ts';

const ORIGIN = 'http://127.0.0.1:8787';

async function databaseNames(factory: IDBFactory): Promise<string[]> {
  return (await factory.databases()).map((d) => d.name ?? '');
}

describe('TandemDevice', () => {
  let counsellorIdb: IDBFactory;
  let beneficiaryIdb: IDBFactory;
  beforeEach(() => {
    counsellorIdb = new IDBFactory();
    beneficiaryIdb = new IDBFactory();
  });

  it('keeps one identity per device across reopenings', async () => {
    const first = await TandemDevice.open(counsellorIdb);
    const again = await TandemDevice.open(counsellorIdb);
    const other = await TandemDevice.open(beneficiaryIdb);
    expect(again.publicKey).toEqual(first.publicKey);
    expect(other.publicKey).not.toEqual(first.publicKey);
    expect(first.fingerprint).toMatch(/\S/);
  });

  it('invites with a link that carries the key in the fragment only', async () => {
    const counsellor = await TandemDevice.open(counsellorIdb);
    const bilanId = await counsellor.createBilan();
    const link = await counsellor.inviteLink(bilanId, ORIGIN);
    const url = new URL(link);
    expect(url.origin + url.pathname).toBe(`${ORIGIN}/`);
    expect(url.search).toBe('');
    expect(url.hash.length).toBeGreaterThan(40);

    const beneficiary = await TandemDevice.open(beneficiaryIdb);
    const accepted = await beneficiary.acceptLink(url.hash);
    expect(accepted).toEqual({ ok: true, bilanId, role: 'beneficiary', isNew: true });
    expect((await beneficiary.listBilans()).map((b) => [b.bilanId, b.role])).toEqual([
      [bilanId, 'beneficiary'],
    ]);
    // Nothing the client lists carries the key.
    expect(JSON.stringify(await beneficiary.listBilans())).not.toContain('"key"');
    // Opening the same link twice does not duplicate or change the role.
    expect(await beneficiary.acceptLink(url.hash)).toMatchObject({ ok: true, isNew: false });
  });

  it('rejects broken links with a reason and stores nothing', async () => {
    const counsellor = await TandemDevice.open(counsellorIdb);
    const link = await counsellor.inviteLink(await counsellor.createBilan(), ORIGIN);
    const fragment = new URL(link).hash;
    const beneficiary = await TandemDevice.open(beneficiaryIdb);
    expect(await beneficiary.acceptLink('')).toEqual({ ok: false, error: 'empty' });
    expect(await beneficiary.acceptLink(fragment.slice(0, -5))).toMatchObject({ ok: false });
    const typo = fragment.slice(0, 20) + (fragment[20] === 'A' ? 'B' : 'A') + fragment.slice(21);
    expect(await beneficiary.acceptLink(typo)).toEqual({ ok: false, error: 'checksum-mismatch' });
    expect(await beneficiary.listBilans()).toEqual([]);
  });

  // Sessions keep their local copy in the global IndexedDB (as y-indexeddb does in a browser).
  const offline = {
    relayUrl: 'http://127.0.0.1:9',
    p2p: false,
    createSocket: () => {
      throw new Error('offline in this test');
    },
  };

  it('forgetting a bilan deletes its database and its key, and keeps the keystore', async () => {
    const device = await TandemDevice.open(globalThis.indexedDB);
    const kept = await device.createBilan();
    const forgotten = await device.createBilan();
    for (const bilanId of [kept, forgotten]) {
      const session = await device.openSession(bilanId, offline);
      session.doc.getText('synthesis').insert(0, 'contenu');
      await session.close();
    }
    const before = await databaseNames(globalThis.indexedDB);
    await device.forgetBilan(forgotten);
    const after = await databaseNames(globalThis.indexedDB);
    expect(before.filter((n) => !after.includes(n))).toHaveLength(1);
    expect(after).toContain(KEYSTORE_DB_NAME);
    expect(await device.getBilan(forgotten)).toBeNull();
    expect(await device.getBilan(kept)).not.toBeNull();
  });

  it('reopens a bilan from the local copy without any network', async () => {
    const device = await TandemDevice.open(globalThis.indexedDB);
    const bilanId = await device.createBilan();
    const first = await device.openSession(bilanId, offline);
    first.doc.getText('synthesis').insert(0, 'écrit hors ligne');
    await new Promise((r) => setTimeout(r, 50));
    await first.close();
    const second = await device.openSession(bilanId, offline);
    expect(second.status().storage).toBe('ready');
    expect(second.doc.getText('synthesis').toString()).toBe('écrit hors ligne');
    expect(second.status().connection).not.toBe('relay');
    await second.close();
  });
});
