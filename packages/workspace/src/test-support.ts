/**
 * Helpers for this package's tests (not exported by index.ts): real Ed25519 from Node's
 * crypto over the protocol's canonical signing input — byte-for-byte what @tandem/crypto
 * signs — so signatures in tests are real without importing libsodium here.
 */
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import {
  encodeBase64url,
  encodeRecord,
  recordSigningInput,
  type SignableRecord,
} from '@tandem/protocol';
import * as Y from 'yjs';
import { initBilan } from './meta.ts';
import { pinBeneficiary } from './parties.ts';
import type { HashBytes, VerifyRecord } from './signed.ts';

export interface TestDevice {
  readonly publicKey: Uint8Array;
  sign(record: SignableRecord): Uint8Array;
}

export function makeDevice(): TestDevice {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url'));
  return { publicKey: raw, sign: (record) => signWith(privateKey, record) };
}

function signWith(privateKey: KeyObject, record: SignableRecord): Uint8Array {
  const input = recordSigningInput(record.kind, encodeRecord(record));
  return new Uint8Array(nodeSign(null, input, privateKey));
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

/** Real Ed25519 verification of the protocol's signing input. */
export const verify: VerifyRecord = (publicKey, record, signature) => {
  const input = recordSigningInput(record.kind, encodeRecord(record));
  return nodeVerify(null, input, publicKeyObject(publicKey), signature);
};

/** Any 32-byte digest serves the tests; production injects BLAKE2b-256. */
export const hash: HashBytes = (bytes) =>
  new Uint8Array(createHash('sha256').update(bytes).digest());

export const newBilanId = (): string => encodeBase64url(new Uint8Array(randomBytes(16)));

/** Monday 5 January 2026, 09:00 UTC: tests' "now". */
export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** Sends each doc's missing updates to the others until all hold the same state. */
export function syncAll(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
    }
  }
}

export interface Pair {
  readonly bilanId: string;
  readonly counsellor: TestDevice;
  readonly beneficiary: TestDevice;
  /** The counsellor's copy. */
  readonly a: Y.Doc;
  /** The beneficiary's copy. */
  readonly b: Y.Doc;
}

/** A bilan created by a counsellor and joined by a beneficiary, both copies in sync. */
export function makePair(options: { hourCapSeconds?: number; createdAt?: number } = {}): Pair {
  const counsellor = makeDevice();
  const beneficiary = makeDevice();
  const bilanId = newBilanId();
  const a = new Y.Doc();
  const b = new Y.Doc();
  const init = initBilan(a, {
    bilanId,
    createdAt: options.createdAt ?? T0,
    counsellor: { name: 'Claire Martin', publicKey: counsellor.publicKey },
    hourCapSeconds: options.hourCapSeconds,
  });
  if (!init.ok) throw new Error(init.error);
  syncAll(a, b);
  const pin = pinBeneficiary(b, { name: 'Karim Benali', publicKey: beneficiary.publicKey });
  if (!pin.ok) throw new Error(pin.error);
  syncAll(a, b);
  return { bilanId, counsellor, beneficiary, a, b };
}

/** A small deterministic PRNG (mulberry32) for replayable random tests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
