import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';

/** Which path carries the bilan right now; shown to users as-is. */
export type ConnectionState = 'connecting' | 'p2p' | 'relay' | 'offline';

/** Health of the local copy (IndexedDB). */
export type StorageState = 'loading' | 'ready' | 'failed';

export interface SyncStatus {
  readonly connection: ConnectionState;
  /** True while the other party's device is reachable over P2P or the relay. */
  readonly peerOnline: boolean;
  /** Epoch ms of the last update exchanged with a peer, or null. */
  readonly lastSyncAt: number | null;
  /**
   * Messages from the relay or a data channel dropped without being applied (fail closed):
   * failing to open or parse, refused by the update guard, or held for what they need and
   * dropped when it did not come.
   */
  readonly rejectedMessages: number;
  readonly storage: StorageState;
  /** A stable error code when storage failed ('quota', 'unavailable', 'blocked'). */
  readonly storageError: string | null;
}

/** A live, persistent, encrypted bilan document. */
export interface TandemSession {
  readonly bilanId: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** Resolves once the local copy has been loaded (or failed: see status.storage). */
  readonly whenLocalLoaded: Promise<void>;
  status(): SyncStatus;
  onStatus(listener: (status: SyncStatus) => void): () => void;
  /** Disconnects from peers and the relay; keeps the local copy. */
  close(): Promise<void>;
  /** Disconnects and deletes the local copy of this bilan's shared document. */
  destroyLocal(): Promise<void>;
}
