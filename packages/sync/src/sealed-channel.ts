import { openMessage, sealMessage, type DocKey } from '@tandem/crypto';
import type { MessageKind, OpenError } from '@tandem/protocol';

export type ChannelOpenResult =
  | { readonly ok: true; readonly kind: MessageKind; readonly plaintext: Uint8Array }
  | { readonly ok: false; readonly error: OpenError };

/** Seal/open bound to one bilan's docKey and relay topic, so providers never hold the key. */
export interface SealedChannel {
  seal(kind: MessageKind, plaintext: Uint8Array): Uint8Array;
  open(sealed: Uint8Array): ChannelOpenResult;
}

export function sealedChannel(docKey: DocKey, topic: string): SealedChannel {
  return {
    seal: (kind, plaintext) => sealMessage(docKey, topic, kind, plaintext),
    open: (sealed) => openMessage(docKey, topic, sealed),
  };
}
