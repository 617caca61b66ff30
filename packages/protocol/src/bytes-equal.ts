/**
 * Equality of two byte arrays, for public data only (device keys, hashes, envelopes):
 * it returns at the first difference, so it is not constant-time. Secrets are compared
 * with libsodium's `memcmp` inside `@tandem/crypto`.
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
