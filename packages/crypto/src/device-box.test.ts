import { beforeAll, describe, expect, it } from 'vitest';
import { SEALED_KEY_BYTES } from '@tandem/protocol';
import {
  createBilanKey,
  createDeviceIdentity,
  openKeyForDevice,
  ready,
  sealKeyForDevice,
  type DeviceIdentity,
} from './index.ts';

let alice: DeviceIdentity;
let mallory: DeviceIdentity;

beforeAll(async () => {
  await ready();
  alice = createDeviceIdentity();
  mallory = createDeviceIdentity();
});

describe('a bilan key sealed for one device', () => {
  it('opens for that device only, to the same key', () => {
    const key = createBilanKey();
    const sealed = sealKeyForDevice(alice.publicKey, key);
    expect(sealed).toHaveLength(SEALED_KEY_BYTES);
    expect(openKeyForDevice(alice, sealed)).toEqual({ ok: true, value: key });
    expect(openKeyForDevice(mallory, sealed)).toEqual({ ok: false, error: 'unopenable' });
  });

  it('is different every time (ephemeral sender key)', () => {
    const key = createBilanKey();
    expect(sealKeyForDevice(alice.publicKey, key)).not.toEqual(
      sealKeyForDevice(alice.publicKey, key),
    );
  });

  it('fails closed on every flipped byte and on a wrong length', () => {
    const sealed = sealKeyForDevice(alice.publicKey, createBilanKey());
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Uint8Array.from(sealed);
      tampered[i]! ^= 0x01;
      expect(openKeyForDevice(alice, tampered).ok).toBe(false);
    }
    expect(openKeyForDevice(alice, sealed.subarray(1))).toEqual({
      ok: false,
      error: 'bad-length',
    });
    expect(openKeyForDevice(alice, new Uint8Array(0))).toEqual({ ok: false, error: 'bad-length' });
  });
});
