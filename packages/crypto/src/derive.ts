/**
 * Everything a bilan needs, derived from its key K with crypto_kdf (BLAKE2b keyed by K).
 * Each output has its own fixed 8-byte context and subkey id; the trailing digit of a
 * context is its version, so changing one derivation means a new context, and the
 * known-answer tests in derive.test.ts pin them all. Outputs are one-way: seeing a topic
 * or a store name tells nothing about K or about the other outputs.
 */
import { BILAN_KEY_BYTES, encodeBase64url } from '@tandem/protocol';
import type { BilanKey, DocKey, RtcPassword } from './keys.ts';
import { lib } from './sodium.ts';

interface Derivation {
  readonly context: string;
  readonly subkeyId: number;
  readonly bytes: number;
}

export const DERIVATIONS = {
  rtcTopic: { context: 'Trtctop1', subkeyId: 1, bytes: 16 },
  relayTopic: { context: 'Trlytop1', subkeyId: 2, bytes: 16 },
  docKey: { context: 'Tdockey1', subkeyId: 3, bytes: 32 },
  rtcPassword: { context: 'Trtcpwd1', subkeyId: 4, bytes: 32 },
  storeName: { context: 'Tstore_1', subkeyId: 5, bytes: 16 },
} as const satisfies Record<string, Derivation>;

export interface DerivedKeys {
  /** y-webrtc room name: the topic signaling is routed on (base64url, 22 chars). */
  readonly rtcTopic: string;
  /** Topic of the sealed relay fallback (base64url, 22 chars). */
  readonly relayTopic: string;
  /** Seals relay-borne messages (XChaCha20-Poly1305, 32 bytes). */
  readonly docKey: DocKey;
  /** y-webrtc password, so signaling is encrypted too (base64url, 43 chars). */
  readonly rtcPassword: RtcPassword;
  /** IndexedDB database name: `tandem-bilan-` + 32 hex digits. */
  readonly storeName: string;
}

export const STORE_NAME_PREFIX = 'tandem-bilan-';

export function deriveBilanKeys(bilanKey: BilanKey): DerivedKeys {
  if (bilanKey.length !== BILAN_KEY_BYTES) throw new RangeError('bilan key must be 32 bytes');
  const s = lib();
  const derive = ({ context, subkeyId, bytes }: Derivation): Uint8Array =>
    s.crypto_kdf_derive_from_key(bytes, subkeyId, context, bilanKey);
  return {
    rtcTopic: encodeBase64url(derive(DERIVATIONS.rtcTopic)),
    relayTopic: encodeBase64url(derive(DERIVATIONS.relayTopic)),
    docKey: derive(DERIVATIONS.docKey) as DocKey,
    rtcPassword: encodeBase64url(derive(DERIVATIONS.rtcPassword)) as RtcPassword,
    storeName: STORE_NAME_PREFIX + s.to_hex(derive(DERIVATIONS.storeName)),
  };
}
