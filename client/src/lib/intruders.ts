import type { UnknownAuthor } from './admission.svelte.ts';
import type { Peer } from './presence.ts';

/** A device that is neither pinned party: present now, or seen writing in the bilan, or both. */
export interface Intruder {
  readonly fingerprint: string;
  readonly publicKey: Uint8Array;
  /** Connected now (its awareness is live). */
  readonly present: boolean;
  /** Signed an authorship claim in this bilan: what it typed is highlighted. */
  readonly wrote: boolean;
  /** The name its awareness announces (unauthenticated), if present. */
  readonly name: string | null;
  /** Shut out by a key change: no access any more, its past text stays highlighted. */
  readonly excluded: boolean;
}

/** One entry per unknown device key, from presence and from authorship claims. */
export function intrudersFrom(
  present: readonly Peer[],
  authors: readonly UnknownAuthor[],
  fingerprintOf: (publicKey: Uint8Array) => string,
): Intruder[] {
  const byFingerprint = new Map<string, Intruder>();
  for (const peer of present) {
    const fingerprint = fingerprintOf(peer.deviceKey);
    byFingerprint.set(fingerprint, {
      fingerprint,
      publicKey: peer.deviceKey,
      present: true,
      wrote: false,
      name: peer.name || null,
      excluded: false,
    });
  }
  for (const author of authors) {
    const known = byFingerprint.get(author.fingerprint);
    byFingerprint.set(author.fingerprint, {
      fingerprint: author.fingerprint,
      publicKey: author.publicKey,
      present: known?.present ?? false,
      wrote: true,
      name: known?.name ?? null,
      // Present under the current key: whatever was recorded, it is back in.
      excluded: author.excluded && !known?.present,
    });
  }
  return [...byFingerprint.values()].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
}
