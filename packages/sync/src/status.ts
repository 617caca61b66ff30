import { OFFLINE_AFTER_FAILED_ATTEMPTS } from './constants.ts';
import type { ConnectionState, StorageState, SyncStatus } from './types.ts';

/** What the session knows about its paths at one instant; `deriveStatus` turns it into a status. */
export interface PathFacts {
  /** False when the browser says it has no network. */
  readonly networkUp: boolean;
  readonly relaySocketOpen: boolean;
  /** Consecutive failed attempts to reach the relay since the last success. */
  readonly relayFailedAttempts: number;
  /** WebRTC data channels currently open to other devices of this bilan. */
  readonly p2pConnections: number;
  /** Other devices heard from on the relay topic within the presence timeout. */
  readonly relayPeers: number;
  readonly lastSyncAt: number | null;
  readonly rejectedMessages: number;
  readonly storage: StorageState;
  readonly storageError: string | null;
}

export function deriveConnection(facts: PathFacts): ConnectionState {
  if (facts.p2pConnections > 0) return 'p2p';
  if (!facts.networkUp) return 'offline';
  if (facts.relaySocketOpen) return 'relay';
  return facts.relayFailedAttempts >= OFFLINE_AFTER_FAILED_ATTEMPTS ? 'offline' : 'connecting';
}

export function deriveStatus(facts: PathFacts): SyncStatus {
  return {
    connection: deriveConnection(facts),
    peerOnline: facts.p2pConnections > 0 || (facts.relaySocketOpen && facts.relayPeers > 0),
    lastSyncAt: facts.lastSyncAt,
    rejectedMessages: facts.rejectedMessages,
    storage: facts.storage,
    storageError: facts.storageError,
  };
}

export function sameStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.connection === b.connection &&
    a.peerOnline === b.peerOnline &&
    a.lastSyncAt === b.lastSyncAt &&
    a.rejectedMessages === b.rejectedMessages &&
    a.storage === b.storage &&
    a.storageError === b.storageError
  );
}
