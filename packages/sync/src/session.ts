import { deriveBilanKeys, ready, type BilanKey } from '@tandem/crypto';
import { MessageKind } from '@tandem/protocol';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { P2P_POLL_MS } from './constants.ts';
import { deleteDatabase } from './idb.ts';
import { openLocalCopy, type LocalCopy } from './local-copy.ts';
import { openP2P, type P2PLink } from './p2p.ts';
import { fetchIceServers, signalUrlFor } from './relay-endpoints.ts';
import { RelayProvider } from './relay-provider.ts';
import type { WebSocketFactory } from './relay-socket.ts';
import { sealedChannel } from './sealed-channel.ts';
import { deriveStatus, sameStatus, type PathFacts } from './status.ts';
import { StorageError } from './storage-error.ts';
import type { StorageState, SyncStatus, TandemSession } from './types.ts';
import { UpdateGuard } from './update-guard.ts';

export interface OpenSessionOptions {
  readonly bilanId: string;
  readonly key: BilanKey;
  /** http(s) origin of the relay, e.g. location.origin. */
  readonly relayUrl: string;
  /** WebSocket constructor for Node (tests); the browser's by default. */
  readonly createSocket?: WebSocketFactory;
  /** Skip the local copy (Node without IndexedDB). Browsers always keep one. */
  readonly localCopy?: boolean;
  /** Skip P2P even where WebRTC exists (forces the relay path). */
  readonly p2p?: boolean;
  /** A sealed tombstone announcement arrived from the relay (verify before acting). */
  readonly onTombstone?: (payload: Uint8Array) => void;
  /** A sealed key rotation arrived from the relay (the device verifies and applies it). */
  readonly onRotation?: (payload: Uint8Array) => void;
}

export interface OpenedSession extends TandemSession {
  /** Seals and publishes a tombstone announcement on the relay topic. */
  announceTombstone(payload: Uint8Array): boolean;
}

/**
 * Turns a bilan key and a relay URL into a live, persistent, encrypted Y.Doc: the local
 * copy is loaded first (so the bilan opens offline), then the relay fallback and the
 * P2P path start. Status is derived from facts about each path, never guessed.
 */
export async function openSession(options: OpenSessionOptions): Promise<OpenedSession> {
  await ready();
  const keys = deriveBilanKeys(options.key);
  const doc = new Y.Doc();
  // Before the local copy loads: it also removes Yjs pending state a stored copy may hold.
  const guard = new UpdateGuard(doc);
  const awareness = new Awareness(doc);
  const listeners = new Set<(status: SyncStatus) => void>();

  let storage: StorageState = 'loading';
  let storageError: string | null = null;
  let local: LocalCopy | null = null;
  let relay: RelayProvider | null = null;
  let p2p: P2PLink | null = null;
  let current: SyncStatus | null = null;
  let closed = false;

  const facts = (): PathFacts => ({
    networkUp: typeof navigator === 'undefined' || navigator.onLine !== false,
    relaySocketOpen: relay?.isOpen ?? false,
    relayFailedAttempts: relay?.failedConnectAttempts ?? 0,
    p2pConnections: p2p?.connections() ?? 0,
    relayPeers: relay?.relayPeers ?? 0,
    lastSyncAt: relay?.lastSyncAt ?? null,
    rejectedMessages: (relay?.rejectedMessages ?? 0) + (p2p?.rejectedMessages() ?? 0),
    storage,
    storageError,
  });
  // y-webrtc applies remote updates with its Room as origin: that is a P2P exchange.
  let p2pSyncedAt: number | null = null;
  const onUpdate = (_update: Uint8Array, origin: unknown) => {
    if (p2p?.isOrigin(origin)) p2pSyncedAt = Date.now();
  };
  doc.on('update', onUpdate);
  let lastP2P = 0;
  const update = () => {
    if (closed) return;
    const connections = p2p?.connections() ?? 0;
    if (connections !== lastP2P) {
      lastP2P = connections;
      relay?.refresh();
    }
    const derived = deriveStatus(facts());
    const next = { ...derived, lastSyncAt: latest(derived.lastSyncAt, p2pSyncedAt) };
    if (current && sameStatus(current, next)) return;
    current = next;
    listeners.forEach((listener) => listener(next));
  };

  const whenLocalLoaded = (async () => {
    if (options.localCopy === false) {
      storage = 'ready';
      return;
    }
    try {
      local = await openLocalCopy(keys.storeName, doc, (error) => {
        storage = 'failed';
        storageError = error.code;
        update();
      });
      storage = 'ready';
    } catch (error) {
      storage = 'failed';
      storageError = error instanceof StorageError ? error.code : 'failed';
    }
    update();
  })();
  // The local copy comes first: the bilan must show before any network answer.
  await whenLocalLoaded;

  const signalUrl = signalUrlFor(options.relayUrl);
  relay = new RelayProvider({
    doc,
    awareness,
    signalUrl,
    topic: keys.relayTopic,
    channel: sealedChannel(keys.docKey, keys.relayTopic),
    p2pConnections: () => p2p?.connections() ?? 0,
    ...(options.createSocket ? { createSocket: options.createSocket } : {}),
    onChange: update,
    ...(options.onTombstone ? { onTombstone: options.onTombstone } : {}),
    ...(options.onRotation ? { onRotation: options.onRotation } : {}),
  });

  const poll = setInterval(update, P2P_POLL_MS);
  const onOnline = () => {
    relay?.reconnectNow();
    update();
  };
  if (typeof window !== 'undefined') {
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', update);
  }

  if (options.p2p !== false) {
    void fetchIceServers(options.relayUrl).then(async (iceServers) => {
      if (closed) return;
      const link = await openP2P({
        doc,
        awareness,
        room: keys.rtcTopic,
        password: keys.rtcPassword,
        signalUrl,
        iceServers,
        guard,
        onRejected: update,
      });
      if (closed) await link.destroy();
      else p2p = link;
    });
  }
  update();

  const shutdown = async () => {
    if (closed) return;
    removeAwarenessStates(awareness, [doc.clientID], 'close');
    closed = true;
    guard.destroy();
    clearInterval(poll);
    if (typeof window !== 'undefined') {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', update);
    }
    relay?.destroy();
    await p2p?.destroy();
    doc.off('update', onUpdate);
    awareness.destroy();
  };

  return {
    bilanId: options.bilanId,
    doc,
    awareness,
    whenLocalLoaded,
    status: () => current ?? deriveStatus(facts()),
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announceTombstone: (payload) => relay?.publish(MessageKind.Tombstone, payload) ?? false,
    async close() {
      await shutdown();
      await local?.close();
      doc.destroy();
    },
    async destroyLocal() {
      await shutdown();
      if (local) await local.wipe();
      else if (typeof indexedDB !== 'undefined') await deleteDatabase(indexedDB, keys.storeName);
      doc.destroy();
    },
  };
}

function latest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
