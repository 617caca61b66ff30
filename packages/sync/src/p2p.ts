import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { WebrtcProvider } from 'y-webrtc';
import type * as Y from 'yjs';
import type { UpdateGuard } from './update-guard.ts';

export interface P2POptions {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** y-webrtc room name (derived from K; reveals nothing about it). */
  readonly room: string;
  /** y-webrtc password: signaling and BroadcastChannel traffic are encrypted with it. */
  readonly password: string;
  readonly signalUrl: string;
  readonly iceServers: RTCIceServer[];
  /** The document's update guard, shared with the relay path. */
  readonly guard: UpdateGuard;
  /** A message from a data channel was refused (see `rejectedMessages`). */
  readonly onRejected?: () => void;
}

export interface P2PLink {
  /** Data channels open to other devices of this bilan right now. */
  connections(): number;
  /** Messages from data channels refused and dropped (never applied). */
  rejectedMessages(): number;
  /** True when a Yjs transaction origin is this link (an update that came over P2P). */
  isOrigin(origin: unknown): boolean;
  destroy(): Promise<void>;
}

/** y-webrtc keeps its rooms in a module-global map and frees a room asynchronously. */
const closingRooms = new Map<string, Promise<void>>();

interface WebrtcConnLike {
  readonly connected: boolean;
}

export function webrtcSupported(): boolean {
  return typeof RTCPeerConnection === 'function';
}

/**
 * Opens the P2P path with stock y-webrtc, signaling only through our relay (never the
 * public default servers). Waits for a previous provider of the same room in this tab
 * to be fully gone, so leaving and re-opening a bilan never hits "room already exists".
 * Every data channel of the room is put behind `options.guard` (`guardRoom`) before it
 * can carry a message; if y-webrtc no longer has the shape that needs, the provider is
 * closed and this throws rather than run unguarded.
 * Returns a link with no connections where the browser has no WebRTC at all.
 */
export async function openP2P(options: P2POptions): Promise<P2PLink> {
  if (!webrtcSupported())
    return {
      connections: () => 0,
      rejectedMessages: () => 0,
      isOrigin: () => false,
      destroy: async () => {},
    };
  await closingRooms.get(options.room);
  const provider = new WebrtcProvider(options.room, options.doc, {
    signaling: [options.signalUrl],
    password: options.password,
    awareness: options.awareness,
    maxConns: 8,
    filterBcConns: true,
    peerOpts: { config: { iceServers: options.iceServers } },
  });
  let rejected = 0;
  let destroyed: Promise<void> | null = null;
  const destroy = () => {
    destroyed ??= (async () => {
      // disconnect() releases the shared signaling socket; destroy() alone would leak it.
      provider.disconnect();
      provider.destroy();
      const freed = Promise.resolve(provider.key).then(() => undefined);
      closingRooms.set(options.room, freed);
      await freed;
      if (closingRooms.get(options.room) === freed) closingRooms.delete(options.room);
    })();
    return destroyed;
  };
  // The provider creates its room once the key is derived (a callback registered before
  // this one), and no data channel can exist before the room does.
  await provider.key;
  try {
    guardRoom(provider.room, options.guard, () => {
      rejected++;
      options.onRejected?.();
    });
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    connections() {
      const conns = provider.room?.webrtcConns as Map<string, WebrtcConnLike> | undefined;
      let open = 0;
      conns?.forEach((conn) => {
        if (conn.connected) open++;
      });
      return open;
    },
    rejectedMessages: () => rejected,
    isOrigin: (origin) => origin !== null && origin === provider.room,
    destroy,
  };
}

/** The parts of a simple-peer instance the guard relies on (a Node-style event emitter). */
interface PeerLike {
  listeners(event: 'data'): ((data: Uint8Array) => void)[];
  removeListener(event: 'data', listener: (data: Uint8Array) => void): unknown;
  on(event: 'data', listener: (data: Uint8Array) => void): unknown;
  send(data: Uint8Array): void;
  destroy?(): void;
}

/** y-webrtc's message type for y-protocols sync messages. */
const MESSAGE_SYNC = 0;

/**
 * Puts `guard` in front of every data channel of a y-webrtc `Room`, without forking
 * y-webrtc. Stock y-webrtc reads each message of a `WebrtcConn` in the `data` listener it
 * adds to the connection's simple-peer, and hands sync messages to y-protocols'
 * `readSyncMessage`, which applies updates to the room's doc directly (and logs and
 * swallows what throws, after Yjs may have half-applied it). Here each connection is
 * caught as y-webrtc stores it in `room.webrtcConns` (its only way to keep one), and its
 * `data` listener is replaced by one that lets a sync update through only when the guard
 * says it applies whole; one that waits is held by the guard (applied later with the room
 * as origin, as y-webrtc would), one refused is dropped. Either way `onRejected` counts
 * it. Anything else y-webrtc reads as before; what makes it throw is dropped and counted.
 *
 * Throws when the room or a connection lacks that shape (a y-webrtc upgrade): a
 * connection that cannot be guarded is destroyed, never used.
 * Not covered: y-webrtc's BroadcastChannel path between tabs of this browser (same
 * origin, same key: this app's own code on this device).
 */
export function guardRoom(room: unknown, guard: UpdateGuard, onRejected: () => void): void {
  const candidate = room as { doc?: unknown; webrtcConns?: unknown } | null;
  const conns = candidate?.webrtcConns;
  if (!candidate || !(conns instanceof Map) || candidate.doc !== guard.doc) {
    throw new Error('y-webrtc changed: its room has no webrtcConns map for this document');
  }
  const guarded = new WeakSet<object>();
  const guardConn = (conn: unknown) => {
    if (typeof conn === 'object' && conn !== null && guarded.has(conn)) return;
    const peer = (conn as { peer?: Partial<PeerLike> } | null)?.peer;
    const listeners =
      typeof peer?.listeners === 'function' &&
      typeof peer.removeListener === 'function' &&
      typeof peer.on === 'function'
        ? peer.listeners('data')
        : [];
    if (listeners.length !== 1) {
      (conn as { destroy?: () => void } | null)?.destroy?.();
      throw new Error("y-webrtc changed: a WebrtcConn's peer has no single data listener");
    }
    const whole = peer as PeerLike;
    const readPeerMessage = listeners[0]!;
    const askForSync = () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, guard.doc);
      try {
        whole.send(encoding.toUint8Array(encoder));
      } catch {
        // The channel is gone: the next connection starts with a sync anyway.
      }
    };
    const dropped = () => {
      onRejected();
      askForSync();
    };
    whole.removeListener('data', readPeerMessage);
    whole.on('data', (data) => {
      const admission = admit(data, guard, room, dropped);
      if (admission === 'held') return;
      if (admission === 'refused') {
        onRejected();
        return;
      }
      try {
        readPeerMessage.call(whole, data);
      } catch {
        onRejected();
      }
    });
    guarded.add(conn as object);
  };
  conns.forEach(guardConn);
  const set = conns.set;
  conns.set = function (this: Map<unknown, unknown>, key: unknown, conn: unknown) {
    guardConn(conn);
    return set.call(this, key, conn);
  };
}

/**
 * Whether y-webrtc may read `data` ('pass'). A sync update or step 2 passes only when it
 * applies whole; one that waits is handed to the guard ('held', with the room as the
 * origin it will be applied with); one that cannot apply, or a sync message that does not
 * parse, is 'refused'.
 */
function admit(
  data: Uint8Array,
  guard: UpdateGuard,
  origin: unknown,
  dropped: () => void,
): 'pass' | 'held' | 'refused' {
  let type: number;
  let update: Uint8Array;
  try {
    const decoder = decoding.createDecoder(data);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return 'pass';
    type = decoding.readVarUint(decoder);
    if (type === syncProtocol.messageYjsSyncStep1) return 'pass';
    update = decoding.readVarUint8Array(decoder);
  } catch {
    return 'refused';
  }
  if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate) {
    return 'refused';
  }
  const verdict = guard.check(update);
  if (verdict.kind === 'apply') return 'pass';
  if (verdict.kind === 'refuse') return 'refused';
  guard.hold(update, origin, verdict.missing, dropped);
  return 'held';
}
