import { createBilanKey, deriveBilanKeys, openMessage, sealMessage } from '@tandem/crypto';
import { MessageKind } from '@tandem/protocol';
import * as Y from 'yjs';
import { PERSONAL_COPY_CHUNK_BYTES } from './constants.ts';

/**
 * The beneficiary's detached personal copy of a bilan: a Yjs snapshot, sealed with a
 * key of its own (so not a byte of content sits in clear in IndexedDB), never synced,
 * never deleted remotely, never expiring.
 */
export interface SealedSnapshot {
  readonly key: Uint8Array;
  readonly sealedChunks: Uint8Array[];
}

const topicFor = (copyId: string) => `personal-copy:${copyId}`;

export function sealSnapshot(copyId: string, doc: Y.Doc): SealedSnapshot {
  const key = createBilanKey();
  const { docKey } = deriveBilanKeys(key);
  const update = Y.encodeStateAsUpdate(doc);
  const sealedChunks: Uint8Array[] = [];
  for (let at = 0; at < update.length || at === 0; at += PERSONAL_COPY_CHUNK_BYTES) {
    const chunk = update.subarray(at, at + PERSONAL_COPY_CHUNK_BYTES);
    sealedChunks.push(sealMessage(docKey, topicFor(copyId), MessageKind.Sync, chunk));
    if (update.length === 0) break;
  }
  return { key, sealedChunks };
}

/** Opens a sealed snapshot into a fresh, unconnected Y.Doc; null if any chunk fails to open. */
export function openSnapshot(copyId: string, snapshot: SealedSnapshot): Y.Doc | null {
  const { docKey } = deriveBilanKeys(snapshot.key as ReturnType<typeof createBilanKey>);
  const parts: Uint8Array[] = [];
  for (const sealed of snapshot.sealedChunks) {
    const opened = openMessage(docKey, topicFor(copyId), sealed);
    if (!opened.ok) return null;
    parts.push(opened.plaintext);
  }
  const update = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    update.set(part, at);
    at += part.length;
  }
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
  } catch {
    return null;
  }
  return doc;
}
