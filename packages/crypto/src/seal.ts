/**
 * Sealed relay messages: XChaCha20-Poly1305-IETF under the bilan's docKey, layout and
 * additional data defined in @tandem/protocol (sealed.ts). Nonces are 24 random bytes
 * from crypto.getRandomValues: at that size random nonces never realistically repeat.
 */
import {
  BILAN_KEY_BYTES,
  MAX_PLAINTEXT_BYTES,
  NONCE_BYTES,
  OpenError,
  encodeSealedMessage,
  isMessageKind,
  parseSealedMessage,
  sealedAdditionalData,
  type MessageKind,
} from '@tandem/protocol';
import type { DocKey } from './keys.ts';
import { lib } from './sodium.ts';

export type OpenResult =
  | { readonly ok: true; readonly kind: MessageKind; readonly plaintext: Uint8Array }
  | { readonly ok: false; readonly error: OpenError };

/**
 * Seals `plaintext` for `topic`. Throws RangeError for a plaintext over
 * MAX_PLAINTEXT_BYTES or an unknown kind: callers check sizes before sealing.
 */
export function sealMessage(
  docKey: DocKey,
  topic: string,
  kind: MessageKind,
  plaintext: Uint8Array,
): Uint8Array {
  return sealMessageWithNonce(docKey, topic, kind, plaintext, freshNonce());
}

/** Internal (not exported from the package): known-answer tests need a fixed nonce. */
export function sealMessageWithNonce(
  docKey: DocKey,
  topic: string,
  kind: MessageKind,
  plaintext: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  if (docKey.length !== BILAN_KEY_BYTES) throw new RangeError('docKey must be 32 bytes');
  if (!isMessageKind(kind)) throw new RangeError(`unknown message kind ${String(kind)}`);
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`plaintext over ${MAX_PLAINTEXT_BYTES} bytes cannot be sealed`);
  }
  const ad = additionalData(topic, kind);
  const ciphertext = lib().crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    ad,
    null,
    nonce,
    docKey,
  );
  return encodeSealedMessage(kind, nonce, ciphertext);
}

/**
 * Opens a sealed message. Size and header are checked before any decryption; a message
 * that fails authentication yields only an error code, never any of its bytes.
 */
export function openMessage(docKey: DocKey, topic: string, sealed: Uint8Array): OpenResult {
  const parsed = parseSealedMessage(sealed);
  if (!parsed.ok) return parsed;
  const { kind, nonce, ciphertext } = parsed.value;
  if (docKey.length !== BILAN_KEY_BYTES) return { ok: false, error: OpenError.DecryptFailed };
  const s = lib(); // outside the try: "not ready" is a bug to surface, not a bad message
  const ad = additionalData(topic, kind);
  let plaintext: Uint8Array;
  try {
    plaintext = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, docKey);
  } catch {
    return { ok: false, error: OpenError.DecryptFailed };
  }
  return { ok: true, kind, plaintext };
}

// One crypto.getRandomValues call costs about as much as sealing a 100-byte message in
// Node (~4 µs through its WebCrypto binding), so nonces are drawn 256 at a time. Each
// slice is handed out once; the buffer is never refilled, only replaced.
const NONCES_PER_DRAW = 256;
let noncePool = new Uint8Array(0);
let noncePoolOffset = 0;

function freshNonce(): Uint8Array {
  if (noncePoolOffset + NONCE_BYTES > noncePool.length) {
    noncePool = crypto.getRandomValues(new Uint8Array(NONCE_BYTES * NONCES_PER_DRAW));
    noncePoolOffset = 0;
  }
  const nonce = noncePool.subarray(noncePoolOffset, noncePoolOffset + NONCE_BYTES);
  noncePoolOffset += NONCE_BYTES;
  return nonce;
}

// Additional data per (topic, kind), built once: a session seals and opens everything on
// one topic, and encoding it on every call was a third of the cost of a small message.
// These buffers stay internal (libsodium copies them into its own heap).
const MAX_CACHED_TOPICS = 32;
const adCache = new Map<string, Uint8Array[]>();

function additionalData(topic: string, kind: MessageKind): Uint8Array {
  let byKind = adCache.get(topic);
  if (byKind === undefined) {
    if (adCache.size >= MAX_CACHED_TOPICS) adCache.clear();
    byKind = [];
    adCache.set(topic, byKind);
  }
  return (byKind[kind] ??= sealedAdditionalData(topic, kind));
}
