/**
 * The one place libsodium-wrappers is imported.
 *
 * Import form: the default import. libsodium-wrappers 0.8.4 ships a working ESM build
 * (`exports.import` → dist/modules-esm/libsodium-wrappers.mjs, which imports the
 * `libsodium` package's ESM wasm build) and it loads as-is in Node (tsx, vitest) and
 * through Vite in the browser. But its ESM *named* exports are only the helpers known
 * before initialisation (ready, to_hex, memcmp, …): `crypto_*` functions are attached to
 * the default export once `ready` resolves. Its .d.mts nevertheless declares them as
 * named exports, so `import { crypto_aead_… } from 'libsodium-wrappers'` typechecks
 * and is `undefined` at runtime. Always go through the default export, after ready().
 *
 * The library is WebAssembly only (no asm.js fallback): a Content-Security-Policy must
 * allow 'wasm-unsafe-eval'. It also needs globalThis.crypto.getRandomValues (all
 * browsers; Node ≥ 19).
 */
import sodium from 'libsodium-wrappers';
import {
  AEAD_TAG_BYTES,
  BILAN_KEY_BYTES,
  NONCE_BYTES,
  PUBLIC_KEY_BYTES,
  SIGNATURE_BYTES,
} from '@tandem/protocol';

export type Sodium = typeof sodium;

let readyPromise: Promise<void> | undefined;
let loaded: Sodium | undefined;

/** Initialises libsodium once; every other function of this package needs it first. */
export function ready(): Promise<void> {
  readyPromise ??= sodium.ready.then(
    () => {
      checkSizes(sodium);
      loaded = sodium;
    },
    (error: unknown) => {
      readyPromise = undefined; // a later call may retry (e.g. after a transient failure)
      throw error;
    },
  );
  return readyPromise;
}

/** The initialised library; throws if ready() has not resolved yet. */
export function lib(): Sodium {
  if (loaded === undefined) throw new Error('@tandem/crypto: await ready() before using it');
  return loaded;
}

// The byte layouts in @tandem/protocol hard-code these sizes; refuse to run if the
// library disagrees rather than produce messages no peer can open.
function checkSizes(s: Sodium): void {
  const expected: ReadonlyArray<readonly [string, number, number]> = [
    ['aead nonce', s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NONCE_BYTES],
    ['aead tag', s.crypto_aead_xchacha20poly1305_ietf_ABYTES, AEAD_TAG_BYTES],
    ['aead key', s.crypto_aead_xchacha20poly1305_ietf_KEYBYTES, BILAN_KEY_BYTES],
    ['kdf key', s.crypto_kdf_KEYBYTES, BILAN_KEY_BYTES],
    ['sign public key', s.crypto_sign_PUBLICKEYBYTES, PUBLIC_KEY_BYTES],
    ['signature', s.crypto_sign_BYTES, SIGNATURE_BYTES],
  ];
  for (const [name, actual, wanted] of expected) {
    if (actual !== wanted)
      throw new Error(`libsodium ${name} is ${actual} bytes, expected ${wanted}`);
  }
}
