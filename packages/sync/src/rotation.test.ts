import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import {
  bilanKeyFromBytes,
  createBilanId,
  createDeviceIdentity,
  createSignedRecord,
  deriveBilanKeys,
  ready,
  type DeviceIdentity,
} from '@tandem/crypto';
import { parseLinkFragment } from '@tandem/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { TandemDevice } from './device.ts';
import { nodeSocket, relayTestBed, until } from './testing/node.ts';
import { buildRotation, readRotation } from './rotation.ts';

const TOPIC = 'AAECAwQFBgcICQoLDA0ODw';

describe('a signed key rotation', () => {
  let counsellor: DeviceIdentity;
  let beneficiary: DeviceIdentity;
  let stranger: DeviceIdentity;
  let bilanId: string;
  beforeAll(async () => {
    await ready();
    bilanId = createBilanId();
    counsellor = createDeviceIdentity();
    beneficiary = createDeviceIdentity();
    stranger = createDeviceIdentity();
  });

  function rotation(signer = counsellor, topic = TOPIC) {
    return buildRotation(signer, {
      bilanId,
      previousTopic: topic,
      recipients: [counsellor.publicKey, beneficiary.publicKey, beneficiary.publicKey],
      at: 1_700_000_000_000,
    });
  }
  const expected = () => ({ bilanId, relayTopic: TOPIC, counsellorKey: counsellor.publicKey });

  it('gives the new key to each admitted device and tells the others they are out', () => {
    const built = rotation();
    expect(readRotation(beneficiary, built.envelope, expected())).toEqual({
      outcome: 'rotated',
      newKey: built.newKey,
      at: 1_700_000_000_000,
    });
    expect(readRotation(counsellor, built.envelope, expected())).toMatchObject({
      outcome: 'rotated',
    });
    expect(readRotation(stranger, built.envelope, expected())).toEqual({
      outcome: 'excluded',
      at: 1_700_000_000_000,
    });
  });

  it('is ignored unless signed by the trusted counsellor, for this bilan and this key', () => {
    const forged = rotation(stranger);
    expect(readRotation(beneficiary, forged.envelope, expected())).toEqual({ outcome: 'invalid' });
    const otherTopic = rotation(counsellor, 'ZZECAwQFBgcICQoLDA0ODw');
    expect(readRotation(beneficiary, otherTopic.envelope, expected())).toEqual({
      outcome: 'invalid',
    });
    const built = rotation();
    expect(
      readRotation(beneficiary, built.envelope, { ...expected(), bilanId: createBilanId() }),
    ).toEqual({ outcome: 'invalid' });
    for (let i = 0; i < built.envelope.length; i += 7) {
      const tampered = Uint8Array.from(built.envelope);
      tampered[i]! ^= 0x40;
      expect(readRotation(beneficiary, tampered, expected())).toEqual({ outcome: 'invalid' });
    }
    // A destroy order is not a rotation, even signed by the counsellor.
    const order = createSignedRecord(counsellor, {
      kind: 'destroy-order',
      bilanId,
      at: 1,
      reason: 'manual',
      signerRole: 'counsellor',
      signerKey: counsellor.publicKey,
    });
    expect(readRotation(beneficiary, order, expected())).toEqual({ outcome: 'invalid' });
  });

  it('on a device that never saw the bilan, trusts the signer only to say the link is dead', () => {
    const fresh = { ...expected(), counsellorKey: null };
    // Anyone with the old link could sign this one for a newcomer: never followed.
    expect(readRotation(beneficiary, rotation(stranger).envelope, fresh)).toEqual({
      outcome: 'invalid',
    });
    expect(readRotation(stranger, rotation().envelope, fresh)).toMatchObject({
      outcome: 'excluded',
    });
  });
});

describe('rotating a bilan key across devices (real relay)', () => {
  const bed = relayTestBed();

  it('moves the admitted devices to a new key, shuts the stranger out and kills the old link', async () => {
    const relay = await bed.startRelay();
    const options = { relayUrl: relay.url, createSocket: nodeSocket, p2p: false };
    const [counsellor, beneficiary, stranger] = await Promise.all(
      [0, 1, 2].map(() => TandemDevice.open(new IDBFactory())),
    );
    bed.devices.push(counsellor!, beneficiary!, stranger!);
    const bilanId = await counsellor!.createBilan();
    const link = new URL(await counsellor!.inviteLink(bilanId, relay.url)).hash;
    await beneficiary!.acceptLink(link);
    await stranger!.acceptLink(link);
    const pins = { counsellor: counsellor!.publicKey, beneficiary: beneficiary!.publicKey };
    for (const device of [counsellor!, beneficiary!]) await device.learnPins(bilanId, pins);
    await stranger!.learnPins(bilanId, pins);

    const heard = new Map<TandemDevice, Uint8Array[]>();
    const open = (device: TandemDevice) =>
      device.openSession(bilanId, {
        ...options,
        onRotation: (payload) => heard.set(device, [...(heard.get(device) ?? []), payload]),
      });
    const sessions = await Promise.all([open(beneficiary!), open(stranger!)]);
    const parsed = parseLinkFragment(link);
    if (!parsed.ok) throw new Error(parsed.error);
    const oldKey = bilanKeyFromBytes(parsed.value.key);
    if (!oldKey.ok) throw new Error(oldKey.error);
    const oldTopic = deriveBilanKeys(oldKey.value).relayTopic;

    await counsellor!.rotateKey(bilanId, [beneficiary!.publicKey]);
    await counsellor!.startBeacons(options);
    await until(
      () => (heard.get(beneficiary!)?.length ?? 0) > 0 && (heard.get(stranger!)?.length ?? 0) > 0,
      'the rotation on the old topic',
    );
    expect(await beneficiary!.applyRotation(bilanId, heard.get(beneficiary!)![0]!)).toBe('rotated');
    expect(await stranger!.applyRotation(bilanId, heard.get(stranger!)![0]!)).toBe('excluded');
    expect(sessions.length).toBe(2);
    expect((await stranger!.getBilan(bilanId))?.revokedAt).toEqual(expect.any(Number));
    expect((await beneficiary!.getBilan(bilanId))?.retiredTopics).toEqual([oldTopic]);

    // Both admitted devices now meet on the new key and sync.
    const [a, b] = await Promise.all([
      counsellor!.openSession(bilanId, options),
      beneficiary!.openSession(bilanId, options),
    ]);
    a!.doc.getText('t').insert(0, 'après rotation');
    await until(() => b!.doc.getText('t').toString() === 'après rotation', 'sync on the new key');
    const inviteAfter = new URL(await counsellor!.inviteLink(bilanId, relay.url)).hash;
    expect(inviteAfter).not.toBe(link);
    await Promise.all([a!.close(), b!.close()]);

    // The old link is dead on the admitted devices; a second application is refused.
    expect(await beneficiary!.acceptLink(link)).toEqual({ ok: false, error: 'revoked' });
    expect(await counsellor!.acceptLink(link)).toEqual({ ok: false, error: 'revoked' });
    expect(await beneficiary!.applyRotation(bilanId, heard.get(beneficiary!)![0]!)).toBe('invalid');
  });
});

describe('the local copy across a rotation', () => {
  it('moves under the new key, and the copy under the old key is deleted', async () => {
    const device = await TandemDevice.open(new IDBFactory());
    const offline = {
      relayUrl: 'http://127.0.0.1:9',
      p2p: false,
      createSocket: () => {
        throw new Error('offline');
      },
    };
    const bilanId = await device.createBilan();
    const before = await device.openSession(bilanId, offline);
    before.doc.getText('t').insert(0, 'gardé en local');
    await new Promise((r) => setTimeout(r, 50));
    const names = async () => (await indexedDB.databases()).map((d) => d.name);
    const beforeNames = await names();

    await device.rotateKey(bilanId, []);
    const after = await device.openSession(bilanId, offline);
    expect(after.doc.getText('t').toString()).toBe('gardé en local');
    const afterNames = await names();
    const gone = beforeNames.filter((n) => !afterNames.includes(n));
    const added = afterNames.filter((n) => !beforeNames.includes(n));
    expect(gone).toEqual([expect.stringMatching(/^tandem-bilan-/)]);
    expect(added).toEqual([expect.stringMatching(/^tandem-bilan-/)]);
    await after.close();
    await device.forgetBilan(bilanId);
  });
});
