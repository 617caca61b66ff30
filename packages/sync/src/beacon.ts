import { fromBase64, toBase64 } from 'lib0/buffer';
import { encodeRelayEnvelope, MessageKind, SENDER_ID_BYTES } from '@tandem/protocol';
import { TOMBSTONE_ANNOUNCE_MS } from './constants.ts';
import { RelaySocket, type WebSocketFactory } from './relay-socket.ts';
import type { SealedChannel } from './sealed-channel.ts';

/** What a beacon announces: a destroy order or a key rotation. */
export type BeaconKind = typeof MessageKind.Tombstone | typeof MessageKind.Rotation;

/**
 * Keeps announcing a signed order on a relay topic the devices no longer edit on — a
 * destroyed bilan's tombstone, or the key rotation away from a retired key — so the
 * other party's device obeys whenever it comes back online: at once when the socket
 * opens, each time another device shows up on the topic, and periodically.
 */
export class Beacon {
  private readonly socket: RelaySocket;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly senderId = crypto.getRandomValues(new Uint8Array(SENDER_ID_BYTES));
  private lastAnswerAt = 0;

  constructor(
    signalUrl: string,
    topic: string,
    private readonly channel: SealedChannel,
    private readonly kind: BeaconKind,
    private readonly envelope: Uint8Array,
    createSocket?: WebSocketFactory,
  ) {
    this.socket = new RelaySocket(
      signalUrl,
      topic,
      {
        onPublish: (data) => this.onPublish(data),
        onState: (open) => {
          if (open) this.announce();
        },
        onMalformed: () => {},
      },
      createSocket,
    );
    this.timer = setInterval(() => this.announce(), TOMBSTONE_ANNOUNCE_MS);
  }

  close(): void {
    clearInterval(this.timer);
    this.socket.close();
  }

  private onPublish(data: string): void {
    // Another device on the topic (not our own echo): answer, at most once a second.
    let sealed: Uint8Array;
    try {
      sealed = fromBase64(data);
    } catch {
      return;
    }
    const opened = this.channel.open(sealed);
    if (!opened.ok || opened.kind === this.kind) return;
    if (Date.now() - this.lastAnswerAt < 1_000) return;
    this.lastAnswerAt = Date.now();
    this.announce();
  }

  private announce(): void {
    const sealed = this.channel.seal(this.kind, encodeRelayEnvelope(this.senderId, this.envelope));
    this.socket.publish(toBase64(sealed));
  }
}
