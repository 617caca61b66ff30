import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { encodeBase64url } from '@tandem/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { DeviceLockedError, TandemDevice } from './device.ts';
import { lockPassphraseProblem, type LockedDevice } from './device-lock.ts';
import { KEYSTORE_DB_NAME } from './keystore.ts';

/**
 * The device lock against the raw IndexedDB records. Each Argon2id derivation costs about
 * a second (passphrase.ts takes no smaller costs), so the tests count theirs: enabling,
 * unlocking and each passphrase check are one each, a passphrase change two.
 */

const PASSPHRASE = 'cheval agrafe correct 42';
const ORIGIN = 'http://127.0.0.1:8787';
const NAMES = ['Alex Durand', 'Camille Martin'];
const EVIDENCE_MARKER = 'Attestation : 14 h réalisées';
const COPY_TITLE = 'Copie personnelle — bilan';
const offline = {
  relayUrl: 'http://127.0.0.1:9',
  p2p: false,
  createSocket: () => {
    throw new Error('offline in this test');
  },
};

type RawStores = Record<string, { key: IDBValidKey; value: unknown }[]>;

/** Every record of the keystore as IndexedDB holds it, read past the Keystore class. */
async function rawKeystore(factory: IDBFactory): Promise<RawStores> {
  const request = factory.open(KEYSTORE_DB_NAME);
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const out: RawStores = {};
  for (const name of Array.from(db.objectStoreNames)) {
    const store = db.transaction(name).objectStore(name);
    const [keys, values] = await Promise.all(
      [store.getAllKeys(), store.getAll()].map(
        (r) =>
          new Promise<unknown[]>((resolve, reject) => {
            r.onsuccess = () => resolve(r.result as unknown[]);
            r.onerror = () => reject(r.error);
          }),
      ),
    );
    out[name] = keys!.map((key, i) => ({ key: key as IDBValidKey, value: values![i] }));
  }
  db.close();
  return out;
}

async function writeRaw(
  factory: IDBFactory,
  storeName: string,
  value: unknown,
  key?: IDBValidKey,
): Promise<void> {
  const request = factory.open(KEYSTORE_DB_NAME);
  const db = await new Promise<IDBDatabase>((resolve) => {
    request.onsuccess = () => resolve(request.result);
  });
  const tx = db.transaction(storeName, 'readwrite');
  tx.objectStore(storeName).put(value, key);
  await new Promise<void>((resolve) => (tx.oncomplete = () => resolve()));
  db.close();
}

/** Every string and byte array in a stored value, nested. */
function chunks(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
  if (typeof value === 'string') out.push(new TextEncoder().encode(value));
  else if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => chunks(v, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [field, inner] of Object.entries(value)) {
      chunks(field, out);
      chunks(inner, out);
    }
  }
  return out;
}

/** The secret in each spelling a careless encoding could leave: raw, base64url, base64, hex. */
function spellings(secret: Uint8Array | string): Buffer[] {
  if (typeof secret === 'string') return [Buffer.from(secret, 'utf8')];
  const bytes = Buffer.from(secret);
  return [
    bytes,
    Buffer.from(encodeBase64url(secret)),
    Buffer.from(bytes.toString('base64')),
    Buffer.from(bytes.toString('hex')),
  ];
}

/** Where in the raw keystore any of `secrets` appears ("store/key"); [] when nowhere. */
function scan(raw: RawStores, secrets: (Uint8Array | string)[]): string[] {
  const needles = secrets.flatMap(spellings);
  const found: string[] = [];
  for (const [store, records] of Object.entries(raw)) {
    for (const { key, value } of records) {
      const haystacks = chunks([key, value]).map((c) => Buffer.from(c));
      if (haystacks.some((h) => needles.some((n) => h.includes(n)))) {
        found.push(`${store}/${String(key)}`);
      }
    }
  }
  return found;
}

/** The secrets and names a clear keystore holds, read from its raw records. */
function secretsOf(raw: RawStores): (Uint8Array | string)[] {
  const field = (store: string, name: string) =>
    (raw[store] ?? []).map(({ value }) => (value as Record<string, unknown>)[name]);
  const secrets = [
    ...field('device', 'seed'),
    ...field('bilans', 'key'),
    ...field('tombstones', 'docKey'),
    ...field('rotations', 'docKey'),
    ...field('personal', 'key'),
  ].filter((v): v is Uint8Array => v instanceof Uint8Array);
  return [...secrets, ...NAMES, EVIDENCE_MARKER, COPY_TITLE];
}

/**
 * A device holding one of everything the keystore keeps: two bilans (one with its
 * summary's names and pins), a destroyed one's tombstone, a rotation, a personal copy and
 * evidence.
 */
async function populatedDevice(factory: IDBFactory): Promise<{
  device: TandemDevice;
  bilanId: string;
  copyId: string;
  link: string;
}> {
  const device = await TandemDevice.open(factory);
  const bilanId = await device.createBilan();
  await device.saveSummary(bilanId, {
    beneficiaryName: NAMES[0]!,
    counsellorName: NAMES[1]!,
    phase: 'investigation',
    secondsUsed: 3600,
    capSeconds: 86_400,
    retentionDeadline: null,
    lastActivityAt: 1_700_000_000_000,
  });
  await device.learnPins(bilanId, { counsellor: device.publicKey, beneficiary: null });
  const rotated = await device.createBilan();
  await device.rotateKey(rotated, []);
  const destroyed = await device.createBilan();
  await device.destroyBilan(destroyed, {
    envelope: Uint8Array.of(1, 2, 3),
    announceUntil: Date.now() + 60_000,
  });
  const doc = new Y.Doc();
  doc.getText('synthesis').insert(0, 'copie');
  const copyId = await device.keepPersonalCopy(bilanId, doc, COPY_TITLE);
  await device.saveEvidence(bilanId, { marker: EVIDENCE_MARKER, signature: Uint8Array.of(9) });
  return { device, bilanId, copyId, link: await device.inviteLink(bilanId, ORIGIN) };
}

/** What the device shows of itself, to compare before locking and after unlocking. */
async function view(device: TandemDevice, bilanId: string, copyId: string) {
  return {
    publicKey: Array.from(device.publicKey),
    bilans: await device.listBilans(),
    link: await device.inviteLink(bilanId, ORIGIN),
    tombstones: await device.listTombstones(),
    copies: await device.listPersonalCopies(),
    copy: (await device.openPersonalCopy(copyId))?.getText('synthesis').toString(),
    evidence: await device.listEvidence(),
    pins: await device.trustedPins(bilanId),
  };
}

async function startLocked(factory: IDBFactory): Promise<LockedDevice<TandemDevice>> {
  const started = await TandemDevice.start(factory);
  if (!started.locked) throw new Error('expected the lock to be on');
  return started.device;
}

async function unlock(factory: IDBFactory, passphrase: string): Promise<TandemDevice> {
  const result = await (await startLocked(factory)).unlock(passphrase);
  if (!result.ok) throw new Error(`unlock failed: ${result.error}`);
  return result.device;
}

describe('device lock', { timeout: 90_000 }, () => {
  const open: TandemDevice[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(open.splice(0).map((d) => d.close()));
  });

  it('has a documented minimum for the passphrase', () => {
    expect(lockPassphraseProblem('')).toBe('too-short');
    expect(lockPassphraseProblem('courte phra')).toBe('too-short');
    expect(lockPassphraseProblem('aaaaaaaaaaaaaaaa')).toBe('too-repetitive');
    expect(lockPassphraseProblem('abababababababab')).toBe('too-repetitive');
    expect(lockPassphraseProblem('AbAbAbAbcCcCdDeE')).toBe(null);
    expect(lockPassphraseProblem(PASSPHRASE)).toBe(null);
    // Characters, not UTF-16 units: twelve emoji are twelve characters.
    expect(lockPassphraseProblem('🐎🐎🐎🐎🐎🐎🐎🐎🐎🐎🐎')).toBe('too-short');
  });

  // Two derivations: enable, unlock.
  it('seals every secret and name at rest; unlocking gives the same device back', async () => {
    const factory = new IDBFactory();
    const { device, bilanId, copyId } = await populatedDevice(factory);
    const before = await view(device, bilanId, copyId);
    const clear = await rawKeystore(factory);
    const secrets = secretsOf(clear);
    // The scan finds what it looks for: seed, 2 bilan keys, 2 docKeys, a copy key, names.
    expect(secrets.filter((s) => s instanceof Uint8Array)).toHaveLength(6);
    expect(scan(clear, secrets).length).toBeGreaterThanOrEqual(6);

    expect(await device.enableLock(PASSPHRASE)).toEqual({ ok: true });
    expect(device.lockEnabled).toBe(true);
    const locked = await rawKeystore(factory);
    expect(scan(locked, secrets)).toEqual([]);
    // Every record but the lock itself is sealed; the lock holds no key in clear.
    for (const [store, records] of Object.entries(locked)) {
      for (const { key, value } of records) {
        if (store === 'device' && key === 'lock') continue;
        expect(value, `${store}/${String(key)}`).toHaveProperty('vault');
      }
    }
    // This tab carries on: what it reads and writes goes through the vault.
    expect(await view(device, bilanId, copyId)).toEqual(before);
    const later = await device.createBilan();
    const laterKey = (await rawKeystore(factory)).bilans!.find((r) => r.key === later);
    expect(laterKey?.value).not.toHaveProperty('key');
    await device.forgetBilan(later);
    await device.close();

    // Start-up: nothing opens without the passphrase.
    await expect(TandemDevice.open(factory)).rejects.toBeInstanceOf(DeviceLockedError);
    const again = await unlock(factory, PASSPHRASE);
    open.push(again);
    expect(again.lockEnabled).toBe(true);
    expect(await view(again, bilanId, copyId)).toEqual(before);
    // Sessions open with the unsealed key, from the local copy.
    const session = await again.openSession(bilanId, offline);
    session.doc.getText('synthesis').insert(0, 'écrit après déverrouillage');
    await session.close();
  });

  // Six derivations: enable, two wrong, tampered wrapped key, tampered record, right.
  it('refuses a wrong passphrase or a tampered keystore, changes and wipes nothing', async () => {
    const factory = new IDBFactory();
    const { device, bilanId, copyId } = await populatedDevice(factory);
    const before = await view(device, bilanId, copyId);
    await device.enableLock(PASSPHRASE);
    await device.close();
    const sealed = await rawKeystore(factory);

    const locked = await startLocked(factory);
    expect(await locked.unlock('cheval agrafe correct 43')).toEqual({
      ok: false,
      error: 'wrong-passphrase',
    });
    expect(await locked.unlock('')).toEqual({ ok: false, error: 'wrong-passphrase' });
    expect(await locked.unlock('Cheval agrafe correct 42')).toEqual({
      ok: false,
      error: 'wrong-passphrase',
    });
    locked.close();
    // Failed attempts leave every record as it was: no counter, no wipe.
    expect(await rawKeystore(factory)).toEqual(sealed);

    const lock = sealed.device!.find((r) => r.key === 'lock')!.value as Record<string, unknown>;
    const wrapped = lock.wrappedKey as Uint8Array;
    const flipped = Uint8Array.from(wrapped);
    flipped[flipped.length - 3]! ^= 0x01;
    await writeRaw(factory, 'device', { ...lock, wrappedKey: flipped }, 'lock');
    expect(await (await startLocked(factory)).unlock(PASSPHRASE)).toEqual({
      ok: false,
      error: 'wrong-passphrase',
    });
    await writeRaw(factory, 'device', lock, 'lock');

    // A record whose ciphertext was modified fails the whole unlock: no half-open keystore.
    const record = sealed.bilans!.find((r) => r.key === bilanId)!.value as Record<string, unknown>;
    const box = Uint8Array.from(record.vault as Uint8Array);
    box[40]! ^= 0x01;
    await writeRaw(factory, 'bilans', { ...record, vault: box });
    const tampered = await startLocked(factory);
    expect(await tampered.unlock(PASSPHRASE)).toEqual({ ok: false, error: 'damaged' });
    tampered.close();
    await writeRaw(factory, 'bilans', record);

    // A lock record that is not one: damaged, without deriving anything.
    await writeRaw(factory, 'device', { format: 'tandem-device-lock', version: 1 }, 'lock');
    expect(await (await startLocked(factory)).unlock(PASSPHRASE)).toEqual({
      ok: false,
      error: 'damaged',
    });
    await writeRaw(factory, 'device', lock, 'lock');

    const device2 = await unlock(factory, PASSPHRASE);
    open.push(device2);
    expect(await view(device2, bilanId, copyId)).toEqual(before);
  });

  // Eight derivations: enable, wrong current, change (two), disable with the old one,
  // unlock with the old one, unlock with the new one, disable.
  it('changes the passphrase and turns the lock off only with the current passphrase', async () => {
    const factory = new IDBFactory();
    const { device, bilanId, copyId } = await populatedDevice(factory);
    const before = await view(device, bilanId, copyId);
    const clear = await rawKeystore(factory);
    await device.enableLock(PASSPHRASE);
    expect(await device.enableLock(PASSPHRASE)).toEqual({ ok: false, error: 'already-on' });
    const oldLock = (await rawKeystore(factory)).device!.find((r) => r.key === 'lock')!.value;

    const next = 'nouvelle phrase de passe, plus longue';
    expect(await device.changeLockPassphrase('pas la bonne phrase', next)).toEqual({
      ok: false,
      error: 'wrong-passphrase',
    });
    expect(await device.changeLockPassphrase(PASSPHRASE, 'court')).toEqual({
      ok: false,
      error: 'too-short',
    });
    expect(await device.changeLockPassphrase(PASSPHRASE, next)).toEqual({ ok: true });
    expect(await device.disableLock(PASSPHRASE)).toEqual({ ok: false, error: 'wrong-passphrase' });
    expect(device.lockEnabled).toBe(true);
    await device.close();

    // Only the lock record changed; the old passphrase no longer opens it.
    const newLock = (await rawKeystore(factory)).device!.find((r) => r.key === 'lock')!.value;
    expect((newLock as { vaultId: string }).vaultId).toBe((oldLock as { vaultId: string }).vaultId);
    expect(await (await startLocked(factory)).unlock(PASSPHRASE)).toEqual({
      ok: false,
      error: 'wrong-passphrase',
    });
    const unlocked = await unlock(factory, next);
    expect(await unlocked.disableLock(next)).toEqual({ ok: true });
    expect(unlocked.lockEnabled).toBe(false);
    expect(await view(unlocked, bilanId, copyId)).toEqual(before);
    await unlocked.close();

    // Off: the records are back in clear, as they were, and start-up asks for nothing.
    const after = await rawKeystore(factory);
    expect(after.device!.find((r) => r.key === 'lock')).toBeUndefined();
    expect(scan(after, secretsOf(clear)).length).toBe(scan(clear, secretsOf(clear)).length);
    const reopened = await TandemDevice.open(factory);
    open.push(reopened);
    expect(await view(reopened, bilanId, copyId)).toEqual(before);
  });

  // Four derivations: a failed enable, an enable, a failed disable (check), unlock.
  it('a write failing half-way through turning the lock on or off loses nothing', async () => {
    const factory = new IDBFactory();
    const { device, bilanId, copyId } = await populatedDevice(factory);
    const before = await view(device, bilanId, copyId);
    const clear = await rawKeystore(factory);

    // The third record written fails (a crash, a full disk): the transaction aborts.
    const failOnPut = (n: number) => {
      let calls = 0;
      const put = FakeObjectStore.prototype.put;
      return vi.spyOn(FakeObjectStore.prototype, 'put').mockImplementation(function (
        this: IDBObjectStore,
        ...args
      ) {
        if (++calls === n) throw new DOMException('simulated failure', 'UnknownError');
        return put.apply(this, args);
      });
    };
    const spy = failOnPut(3);
    await expect(device.enableLock(PASSPHRASE)).rejects.toThrow();
    spy.mockRestore();
    expect(await rawKeystore(factory)).toEqual(clear);
    expect(device.lockEnabled).toBe(false);
    expect(await view(device, bilanId, copyId)).toEqual(before);

    expect(await device.enableLock(PASSPHRASE)).toEqual({ ok: true });
    const sealed = await rawKeystore(factory);
    const again = failOnPut(4);
    await expect(device.disableLock(PASSPHRASE)).rejects.toThrow();
    again.mockRestore();
    expect(await rawKeystore(factory)).toEqual(sealed);
    expect(device.lockEnabled).toBe(true);
    expect(await view(device, bilanId, copyId)).toEqual(before);
    await device.close();

    const unlocked = await unlock(factory, PASSPHRASE);
    open.push(unlocked);
    expect(await view(unlocked, bilanId, copyId)).toEqual(before);
  });

  // One derivation: enable.
  it('a tab that has not seen the lock turned on cannot write a secret in clear', async () => {
    const factory = new IDBFactory();
    const tabA = await TandemDevice.open(factory);
    const tabB = await TandemDevice.open(factory);
    open.push(tabB);
    const bilanId = await tabA.createBilan();
    await tabA.enableLock(PASSPHRASE);
    await expect(tabB.createBilan()).rejects.toThrow();
    // Its reads fail too: it sees sealed records it cannot open, never a half-read one.
    await expect(tabB.listBilans()).rejects.toThrow();
    await expect(tabB.getBilan(bilanId)).rejects.toThrow();
    const raw = await rawKeystore(factory);
    expect(raw.bilans).toHaveLength(1);
    expect(raw.bilans![0]!.value).not.toHaveProperty('key');
    await tabA.close();
  });

  // One derivation: enable.
  it('erasing a locked device deletes the keystore and every local copy', async () => {
    const factory = globalThis.indexedDB;
    const device = await TandemDevice.open(factory);
    const bilanId = await device.createBilan();
    const session = await device.openSession(bilanId, offline);
    session.doc.getText('synthesis').insert(0, 'contenu');
    await session.close();
    await device.enableLock(PASSPHRASE);
    await device.close();
    const names = async () => (await factory.databases()).map((d) => d.name);
    expect(await names()).toContain(KEYSTORE_DB_NAME);
    expect((await names()).some((name) => name?.startsWith('tandem-bilan-'))).toBe(true);

    await (await startLocked(factory)).erase();
    expect(await names()).toEqual([]);
    const fresh = await TandemDevice.start(factory);
    expect(fresh.locked).toBe(false);
    if (!fresh.locked) {
      open.push(fresh.device);
      expect(await fresh.device.listBilans()).toEqual([]);
    }
  });
});
