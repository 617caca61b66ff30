import {
  decodePresence,
  decodeRelayEnvelope,
  encodePresence,
  encodeRelayEnvelope,
  MessageKind,
  PresenceFlag,
  SENDER_ID_BYTES,
  toHex,
} from '@tandem/protocol';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { fromBase64, toBase64 } from 'lib0/buffer';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { AnswerCoalescer } from './answer-coalescer.ts';
import {
  ANSWER_INTERVAL_MS,
  MAX_RELAY_PAYLOAD_BYTES,
  PRESENCE_TIMEOUT_MS,
  RECENT_ECHOES,
  RELAY_HEARTBEAT_MS,
} from './constants.ts';
import { RelaySocket, type WebSocketFactory } from './relay-socket.ts';
import type { SealedChannel } from './sealed-channel.ts';
import { UpdateGuard } from './update-guard.ts';

export interface RelayProviderOptions {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly signalUrl: string;
  readonly topic: string;
  readonly channel: SealedChannel;
  /** How many other devices are reachable over an open WebRTC data channel right now. */
  readonly p2pConnections: () => number;
  readonly createSocket?: WebSocketFactory;
  /** Called whenever something the status depends on changes. */
  readonly onChange: () => void;
  /** A sealed tombstone announcement arrived (already opened; not yet verified). */
  readonly onTombstone?: (payload: Uint8Array) => void;
  /** The document's update guard, shared with the P2P path (one of its own by default). */
  readonly guard?: UpdateGuard;
  /** A sealed key rotation arrived (verify before acting). */
  readonly onRotation?: (payload: Uint8Array) => void;
}

/**
 * The encrypted relay fallback: the same y-protocols sync and awareness messages that
 * y-webrtc sends over data channels, sealed with the bilan's docKey and published on the
 * relay topic. It always listens, but only sends while some other device on the topic is
 * not covered by an open data channel, so steady-state P2P carries each update once.
 */
export class RelayProvider {
  private readonly socket: RelaySocket;
  private readonly senderId = crypto.getRandomValues(new Uint8Array(SENDER_ID_BYTES));
  private readonly ownSenderHex = toHex(this.senderId);
  private readonly peersLastSeen = new Map<string, number>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private socketOpen = false;
  private failedAttempts = 0;
  private subscribersOnTopic: number | null = null;
  private wasActive = false;
  /** True while other devices were on the topic but all reachable over P2P. */
  private wasCoveredByP2P = false;
  /** Our last publishes, to skip opening our own echoes (the relay echoes to the sender). */
  private readonly recentlySent = new Set<string>();
  private rejected = 0;
  private oversize = 0;
  private readonly guard: UpdateGuard;
  private readonly ownsGuard: boolean;
  private lastSync: number | null = null;
  /** Anyone on the topic can repeat a Hello or a step 1 (replays, floods): answers are paced. */
  private readonly helloAnswers = new AnswerCoalescer<true>(
    ANSWER_INTERVAL_MS,
    () => true,
    () => this.sendSyncStep1(),
  );
  private readonly step1Answers = new AnswerCoalescer<Map<number, number>>(
    ANSWER_INTERVAL_MS,
    lowerStateVector,
    (stateVector) => this.sendMissingUpdates(stateVector),
  );

  constructor(private readonly options: RelayProviderOptions) {
    this.ownsGuard = options.guard === undefined;
    this.guard = options.guard ?? new UpdateGuard(options.doc);
    this.socket = new RelaySocket(
      options.signalUrl,
      options.topic,
      {
        onPublish: (data, clients) => this.receive(data, clients),
        onState: (open, failedAttempts) => this.socketStateChanged(open, failedAttempts),
        onMalformed: () => this.reject(),
      },
      options.createSocket,
    );
    options.doc.on('update', this.onDocUpdate);
    options.awareness.on('update', this.onAwarenessUpdate);
    this.heartbeat = setInterval(() => this.tick(), RELAY_HEARTBEAT_MS);
  }

  get isOpen(): boolean {
    return this.socketOpen;
  }
  get failedConnectAttempts(): number {
    return this.failedAttempts;
  }
  get rejectedMessages(): number {
    return this.rejected;
  }
  /** Outgoing messages not sent because they exceeded the sealed size limit. */
  get oversizeMessages(): number {
    return this.oversize;
  }
  get lastSyncAt(): number | null {
    return this.lastSync;
  }
  /** Other devices heard on the relay topic within the presence timeout. */
  get relayPeers(): number {
    return this.peersLastSeen.size;
  }

  /** True while this provider must carry updates: some other device is not reachable over P2P. */
  isActive(): boolean {
    if (!this.socketOpen) return false;
    const others = this.otherDevices();
    return others > this.options.p2pConnections();
  }

  /** Publishes a sealed message of any kind (used for tombstone announcements). */
  publish(kind: MessageKind, payload: Uint8Array): boolean {
    if (!this.socketOpen) return false;
    if (payload.length > MAX_RELAY_PAYLOAD_BYTES) {
      // Never sent in pieces or in clear: the update stays in the local copy and
      // travels over P2P, or in a later, smaller sync.
      this.oversize++;
      return false;
    }
    let sealed: Uint8Array;
    try {
      sealed = this.options.channel.seal(kind, encodeRelayEnvelope(this.senderId, payload));
    } catch {
      this.oversize++;
      return false;
    }
    const data = toBase64(sealed);
    if (!this.socket.publish(data)) return false;
    this.recentlySent.add(data);
    if (this.recentlySent.size > RECENT_ECHOES) {
      const oldest = this.recentlySent.values().next();
      if (!oldest.done) this.recentlySent.delete(oldest.value);
    }
    return true;
  }

  /** Re-checks whether the provider must carry updates (call when P2P connections change). */
  refresh(): void {
    const active = this.isActive();
    // Taking over from a data channel that closed: catch up both ways. (Becoming active
    // because a device appeared needs nothing more: its own hello started the exchange.)
    if (active && !this.wasActive && this.wasCoveredByP2P) this.sendHello();
    this.wasActive = active;
    this.wasCoveredByP2P = this.isCoveredByP2P();
  }

  /** Other devices on the topic: those heard from, or the relay's count if it says more. */
  private otherDevices(): number {
    return Math.max(this.peersLastSeen.size, (this.subscribersOnTopic ?? 1) - 1);
  }

  private isCoveredByP2P(): boolean {
    const others = this.otherDevices();
    return this.socketOpen && others > 0 && others <= this.options.p2pConnections();
  }

  reconnectNow(): void {
    this.socket.reconnectNow();
  }

  destroy(): void {
    clearInterval(this.heartbeat);
    this.helloAnswers.destroy();
    this.step1Answers.destroy();
    if (this.ownsGuard) this.guard.destroy();
    this.options.doc.off('update', this.onDocUpdate);
    this.options.awareness.off('update', this.onAwarenessUpdate);
    this.socket.close();
    this.socketOpen = false;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this || !this.isActive()) return;
    const encoder = encoding.createEncoder();
    syncProtocol.writeUpdate(encoder, update);
    if (this.publish(MessageKind.Sync, encoding.toUint8Array(encoder))) this.markSynced();
  };

  private readonly onAwarenessUpdate = (
    change: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this || !this.isActive()) return;
    const clients = change.added.concat(change.updated, change.removed);
    this.publish(
      MessageKind.Awareness,
      awarenessProtocol.encodeAwarenessUpdate(this.options.awareness, clients),
    );
  };

  private socketStateChanged(open: boolean, failedAttempts: number): void {
    this.socketOpen = open;
    this.failedAttempts = failedAttempts;
    if (open) {
      // Tell whoever is on the topic we are here, and ask for what we miss.
      this.sendHello();
    } else {
      this.peersLastSeen.clear();
      this.subscribersOnTopic = null;
    }
    this.wasActive = this.isActive();
    this.wasCoveredByP2P = this.isCoveredByP2P();
    this.options.onChange();
  }

  /**
   * Sync step 1 and awareness (others answer with what we miss), plus a Hello presence
   * asking them for their step 1 (we answer with what they miss, e.g. offline edits).
   */
  private sendHello(): void {
    this.publish(MessageKind.Presence, encodePresence(PresenceFlag.Hello));
    this.sendSyncStep1();
  }

  private sendSyncStep1(): void {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep1(encoder, this.options.doc);
    this.publish(MessageKind.Sync, encoding.toUint8Array(encoder));
    const { awareness } = this.options;
    if (awareness.getLocalState() !== null) {
      this.publish(
        MessageKind.Awareness,
        awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]),
      );
    }
  }

  private receive(data: string, clients: number | null): void {
    if (this.recentlySent.delete(data)) {
      // Our own publish coming back: only the subscriber count is news.
      if (clients !== null) this.subscribersOnTopic = clients;
      return;
    }
    let sealed: Uint8Array;
    try {
      sealed = fromBase64(data);
    } catch {
      this.reject();
      return;
    }
    const opened = this.options.channel.open(sealed);
    if (!opened.ok) {
      this.reject();
      return;
    }
    const envelope = decodeRelayEnvelope(opened.plaintext);
    if (!envelope.ok) {
      this.reject();
      return;
    }
    if (clients !== null) this.subscribersOnTopic = clients;
    const { senderId, payload } = envelope.value;
    if (senderId === this.ownSenderHex) return;
    // A device arriving announces itself with a Hello, answered in `apply`; asking it
    // for its state again here would make it send the whole document twice.
    this.peersLastSeen.set(senderId, Date.now());
    try {
      this.apply(opened.kind, payload);
    } catch {
      // A sealed message from a key holder that still does not decode: drop it, count it.
      this.reject();
    }
    this.refresh();
    this.options.onChange();
  }

  private apply(kind: MessageKind, payload: Uint8Array): void {
    switch (kind) {
      case MessageKind.Sync: {
        // Parsed here rather than by syncProtocol.readSyncMessage, which logs and
        // swallows a failing update (after Yjs may have half-applied it).
        const decoder = decoding.createDecoder(payload);
        const type = decoding.readVarUint(decoder);
        const body = decoding.readVarUint8Array(decoder);
        if (type === syncProtocol.messageYjsSyncStep1) {
          this.step1Answers.request(Y.decodeStateVector(body));
          return;
        }
        if (type !== syncProtocol.messageYjsSyncStep2 && type !== syncProtocol.messageYjsUpdate)
          throw new RangeError('unknown sync message');
        // Applied only whole. One that needs what the document lacks yet waits in the
        // guard; if it is dropped, it is counted and a sync step 1 asks for what we lack
        // (an honest answer is complete, so an honest loss heals).
        const outcome = this.guard.receive(body, this, this.heldUpdateDropped);
        if (outcome === 'refused') throw new RangeError('update refused');
        if (outcome === 'applied') this.markSynced();
        return;
      }
      case MessageKind.Awareness:
        awarenessProtocol.applyAwarenessUpdate(this.options.awareness, payload, this);
        return;
      case MessageKind.Tombstone:
        this.options.onTombstone?.(payload);
        return;
      case MessageKind.Rotation:
        this.options.onRotation?.(payload);
        return;
      case MessageKind.Presence:
        if (decodePresence(payload) === PresenceFlag.Hello) this.helloAnswers.request(true);
        return;
    }
  }

  /** Sync step 2: what a peer with `stateVector` lacks. */
  private sendMissingUpdates(stateVector: Map<number, number>): void {
    const encoder = encoding.createEncoder();
    syncProtocol.writeSyncStep2(encoder, this.options.doc, Y.encodeStateVector(stateVector));
    this.publish(MessageKind.Sync, encoding.toUint8Array(encoder));
  }

  private tick(): void {
    this.publish(MessageKind.Presence, encodePresence(PresenceFlag.Heartbeat));
    const cutoff = Date.now() - PRESENCE_TIMEOUT_MS;
    let changed = false;
    for (const [peer, seen] of this.peersLastSeen) {
      if (seen < cutoff) {
        this.peersLastSeen.delete(peer);
        changed = true;
      }
    }
    this.refresh();
    if (changed) this.options.onChange();
  }

  private markSynced(): void {
    if (this.peersLastSeen.size > 0) this.lastSync = Date.now();
  }

  private readonly heldUpdateDropped = (): void => {
    this.reject();
    this.helloAnswers.request(true);
  };

  private reject(): void {
    this.rejected++;
    this.options.onChange();
  }
}

/** The state vector of a device that has only what both have: an answer to it serves both. */
function lowerStateVector(
  pending: Map<number, number> | undefined,
  next: Map<number, number>,
): Map<number, number> {
  if (pending === undefined) return next;
  const lower = new Map<number, number>();
  for (const [client, clock] of pending) {
    const other = next.get(client);
    if (other !== undefined) lower.set(client, Math.min(clock, other));
  }
  return lower;
}
