/** Random identifiers for rows, sessions, consents and observations. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A 128-bit random id as 22 base64url characters. Uses Web Crypto's getRandomValues,
 * present in browsers and Node ≥ 20 — not a key, so libsodium is not needed.
 */
export function newId(): string {
  const bytes = new Uint8Array(22);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  // 22 × 6 bits = 132 bits of entropy from the low bits of each byte.
  for (const byte of bytes) id += ALPHABET[byte & 63];
  return id;
}
