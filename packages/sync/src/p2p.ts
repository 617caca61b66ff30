import type { Awareness } from 'y-protocols/awareness';
import { WebrtcProvider } from 'y-webrtc';
import type * as Y from 'yjs';

export interface P2POptions {
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  /** y-webrtc room name (derived from K; reveals nothing about it). */
  readonly room: string;
  /** y-webrtc password: signaling and BroadcastChannel traffic are encrypted with it. */
  readonly password: string;
  readonly signalUrl: string;
  readonly iceServers: RTCIceServer[];
}

export interface P2PLink {
  /** Data channels open to other devices of this bilan right now. */
  connections(): number;
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
 * Returns a link with no connections where the browser has no WebRTC at all.
 */
export async function openP2P(options: P2POptions): Promise<P2PLink> {
  if (!webrtcSupported())
    return { connections: () => 0, isOrigin: () => false, destroy: async () => {} };
  await closingRooms.get(options.room);
  const provider = new WebrtcProvider(options.room, options.doc, {
    signaling: [options.signalUrl],
    password: options.password,
    awareness: options.awareness,
    maxConns: 8,
    filterBcConns: true,
    peerOpts: { config: { iceServers: options.iceServers } },
  });
  let destroyed: Promise<void> | null = null;
  return {
    connections() {
      const conns = provider.room?.webrtcConns as Map<string, WebrtcConnLike> | undefined;
      let open = 0;
      conns?.forEach((conn) => {
        if (conn.connected) open++;
      });
      return open;
    },
    isOrigin: (origin) => origin !== null && origin === provider.room,
    destroy() {
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
    },
  };
}
