import sodium from 'libsodium-wrappers';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createDeviceIdentity,
  devicePublicKeyFromBytes,
  exportIdentity,
  fingerprint,
  hashBytes,
  importIdentity,
  publicKeyOf,
  ready,
} from './index.ts';

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

beforeAll(ready);

const SEED = new Uint8Array(32).fill(7);
// Ed25519 public key of the seed 07…07 (libsodium crypto_sign_seed_keypair).
const SEED_PUBLIC_KEY = 'ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c';

describe('device identity', () => {
  it('exports to a storable form and imports back to the same key pair', () => {
    const identity = createDeviceIdentity();
    const stored = exportIdentity(identity);
    expect(stored.version).toBe(1);
    expect(stored.publicKey).toEqual(identity.publicKey);
    expect(stored.seed).toHaveLength(32);
    const imported = importIdentity(structuredClone(stored));
    expect(imported.ok && hex(publicKeyOf(imported.value))).toBe(hex(identity.publicKey));
  });

  it('derives the key pair from the stored seed (known answer)', () => {
    const imported = importIdentity({
      version: 1,
      publicKey: sodium.from_hex(SEED_PUBLIC_KEY),
      seed: SEED,
    });
    expect(imported.ok && hex(imported.value.publicKey)).toBe(SEED_PUBLIC_KEY);
  });

  it('creates a different identity each time', () => {
    expect(hex(createDeviceIdentity().publicKey)).not.toBe(hex(createDeviceIdentity().publicKey));
  });

  it('never shows its secret when logged or serialised', () => {
    const identity = createDeviceIdentity();
    const seedHex = hex(exportIdentity(identity).seed);
    const shown = [
      JSON.stringify(identity),
      inspect(identity, { depth: 5, showHidden: true }),
      String(Object.keys(identity)),
    ];
    expect(Object.keys(identity)).toEqual(['publicKey']);
    for (const text of shown)
      expect(text.replace(/[^0-9a-f]/g, '')).not.toContain(seedHex.slice(0, 16));
    expect(Object.isFrozen(identity)).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'malformed'],
    ['a string', 'secret', 'malformed'],
    ['no version', { publicKey: new Uint8Array(32), seed: SEED }, 'malformed'],
    [
      'a future version',
      { version: 2, publicKey: new Uint8Array(32), seed: SEED },
      'unknown-version',
    ],
    ['arrays instead of bytes', { version: 1, publicKey: [1, 2], seed: [3, 4] }, 'malformed'],
    [
      'a short seed',
      { version: 1, publicKey: new Uint8Array(32), seed: SEED.subarray(1) },
      'bad-length',
    ],
    ['a long public key', { version: 1, publicKey: new Uint8Array(33), seed: SEED }, 'bad-length'],
    [
      'a public key from another seed',
      { version: 1, publicKey: new Uint8Array(32), seed: SEED },
      'mismatch',
    ],
  ])('refuses to import %s', (_name, stored, error) => {
    expect(importIdentity(stored)).toEqual({ ok: false, error });
  });

  it('brands 32-byte public keys only', () => {
    expect(devicePublicKeyFromBytes(new Uint8Array(31))).toEqual({
      ok: false,
      error: 'bad-length',
    });
    expect(devicePublicKeyFromBytes(new Uint8Array(32)).ok).toBe(true);
  });
});

describe('fingerprint and hashBytes', () => {
  it('fingerprints a public key as 4 groups of 4 hex digits (known answer)', () => {
    expect(fingerprint(sodium.from_hex(SEED_PUBLIC_KEY))).toBe('f6d5 cd6e d9b2 7049');
    expect(fingerprint(createDeviceIdentity().publicKey)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
    expect(fingerprint(createDeviceIdentity().publicKey)).not.toBe(
      fingerprint(createDeviceIdentity().publicKey),
    );
    expect(() => fingerprint(new Uint8Array(31))).toThrow(RangeError);
  });

  it('hashes with BLAKE2b-256 (the well-known "abc" digest)', () => {
    expect(hex(hashBytes(new TextEncoder().encode('abc')))).toBe(
      'bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319',
    );
    expect(hashBytes(new Uint8Array(0))).toHaveLength(32);
  });
});
