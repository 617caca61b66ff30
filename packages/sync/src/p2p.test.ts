/**
 * The P2P path under attack: a session with P2P on, its stock y-webrtc signaling through
 * the real relay, and a malicious key holder who gets a data channel to it (Node has no
 * WebRTC: `FakePeerConnection` stands in for the browser's, so the attacker's messages
 * enter where a real data channel's would, through simple-peer and y-webrtc's own code).
 */
import { createBilanKey, deriveBilanKeys, ready, type DerivedKeys } from '@tandem/crypto';
import { startRelay } from '@tandem/relay';
import { EventEmitter } from 'node:events';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { guardRoom } from './p2p.ts';
import { signalUrlFor } from './relay-endpoints.ts';
import type { WebSocketFactory, WebSocketLike } from './relay-socket.ts';
import { openSession, type OpenedSession } from './session.ts';
import { craftUpdate, parentString, rootString } from './testing/crafted-update.ts';
import { announceAsPeer, FakePeerConnection, type FakeDataChannel } from './testing/fake-webrtc.ts';
import { waitFor } from './testing/hostile.ts';
import { UpdateGuard } from './update-guard.ts';

const nodeSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;

/** A y-webrtc data channel message: y-protocols sync `type` carrying `body`. */
function webrtcSync(type: number, body: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0); // y-webrtc: messageSync
  encoding.writeVarUint(encoder, type);
  encoding.writeVarUint8Array(encoder, body);
  return encoding.toUint8Array(encoder);
}
const webrtcUpdate = (update: Uint8Array) => webrtcSync(syncProtocol.messageYjsUpdate, update);

/** Another device's edit of the shared text. */
function foreignUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Hands `data` to the channel as the attacker's message; simple-peer emits it a tick later. */
async function deliver(channel: FakeDataChannel, data: Uint8Array): Promise<void> {
  channel.deliver(data);
  await new Promise((resolve) => setTimeout(resolve, 5));
}

const text = (session: OpenedSession) => session.doc.getText('t').toString();
const encodedText = (session: OpenedSession) => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(session.doc));
  return copy.getText('t').toString();
};

type Relay = Awaited<ReturnType<typeof startRelay>>;
let relay: Relay;
let keys: DerivedKeys;
let rtcPublishes: number;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  await ready();
});

beforeEach(async () => {
  // What Node lacks for y-webrtc: WebRTC (faked) and a global WebSocket for its signaling.
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  vi.stubGlobal('RTCSessionDescription', class {});
  vi.stubGlobal('RTCIceCandidate', class {});
  vi.stubGlobal('WebSocket', WebSocket);
  rtcPublishes = 0;
  relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    onPublish: (topic) => {
      if (topic === keys.rtcTopic) rtcPublishes++;
    },
  });
  keys = deriveBilanKeys(createBilanKey());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay.close();
  vi.unstubAllGlobals();
});

/** B with P2P on, and the data channel a malicious key holder has to it. */
async function sessionWithAttacker(
  key = createBilanKey(),
): Promise<{ b: OpenedSession; channel: FakeDataChannel }> {
  keys = deriveBilanKeys(key);
  const b = await openSession({
    bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
    key,
    relayUrl: relay.url,
    createSocket: nodeSocket,
    localCopy: false,
  });
  cleanups.push(() => b.close());
  // B's y-webrtc announces itself once its room exists (and is guarded).
  await waitFor(() => rtcPublishes > 0, "B's y-webrtc to announce itself");
  const channelsBefore = FakePeerConnection.channels.length;
  await announceAsPeer(signalUrlFor(relay.url), keys.rtcTopic, keys.rtcPassword, 'mallory');
  await waitFor(
    () => FakePeerConnection.channels.length > channelsBefore,
    "B's y-webrtc to open a data channel to the attacker",
  );
  return { b, channel: FakePeerConnection.channels.at(-1)! };
}

describe('a malicious key holder over a WebRTC data channel', () => {
  it('crafted updates are refused whole and counted; honest ones apply, even out of order', async () => {
    const { b, channel } = await sessionWithAttacker();
    let pendingSeen = false;
    b.doc.on('beforeObserverCalls', () => {
      if (b.doc.store.pendingStructs !== null || b.doc.store.pendingDs !== null) {
        pendingSeen = true;
      }
    });
    b.doc.getText('t').insert(0, 'authentique');
    const rejected = () => b.status().rejectedMessages;
    expect(rejected()).toBe(0);

    // Control: an honest update over the channel is applied, as y-webrtc would.
    await deliver(channel, webrtcUpdate(foreignUpdate('BONJOUR ')));
    expect(text(b)).toContain('BONJOUR ');
    expect(rejected()).toBe(0);

    // Structs that parse, then a delete set that does not: Yjs integrates the structs,
    // then throws (y-webrtc logs it and carries on), so the text would land.
    const half = foreignUpdate('DEMI ');
    await deliver(channel, webrtcUpdate(half.subarray(0, half.length - 1)));
    // A struct inside a parent its client will only create later: parked by Yjs.
    await deliver(channel, webrtcUpdate(craftUpdate(4242, 5, [parentString(4242, 50, 'x')])));
    // (Soft: without the guard, every one of these fails, and the test lists them all.)
    expect.soft(text(b)).not.toContain('DEMI');
    expect.soft(rejected()).toBe(2);

    // A delete range over all B wrote and far past it (SEED=235932895 of the relay fuzz):
    // Yjs would delete what exists and keep the rest pending, stored and passed on.
    const wipe = craftUpdate(0x7a11, 0, [], [[b.doc.clientID, 0, 10_000]]);
    await deliver(channel, webrtcUpdate(wipe));
    expect.soft(text(b)).toContain('authentique');
    expect.soft(encodedText(b)).toBe(text(b));

    // An honest delete that overtook the insert it deletes waits for it, then applies.
    const author = new Y.Doc();
    const authored: Uint8Array[] = [];
    author.on('update', (update: Uint8Array) => authored.push(update));
    author.getText('t').insert(0, 'retard ');
    author.getText('t').delete(0, 3);
    await deliver(channel, webrtcUpdate(authored[1]!));
    expect(text(b)).not.toContain('ard ');
    await deliver(channel, webrtcSync(syncProtocol.messageYjsSyncStep2, authored[0]!));
    await waitFor(() => text(b).includes('ard ') && !text(b).includes('retard'), 'the delete');
    expect.soft(pendingSeen).toBe(false);
    expect.soft(rejected()).toBe(2);

    // B still answers a sync step 1 over the channel (y-webrtc's own reply).
    const step1 = encoding.createEncoder();
    syncProtocol.writeSyncStep1(step1, new Y.Doc());
    const sentBefore = channel.sent.length;
    await deliver(
      channel,
      webrtcSync(syncProtocol.messageYjsSyncStep1, encoding.toUint8Array(step1)),
    );
    expect(channel.sent.length).toBe(sentBefore + 1);
    const answer = decoding.createDecoder(channel.sent.at(-1)!);
    expect([decoding.readVarUint(answer), decoding.readVarUint(answer)]).toEqual([
      0,
      syncProtocol.messageYjsSyncStep2,
    ]);
    const reply = new Y.Doc();
    Y.applyUpdate(reply, decoding.readVarUint8Array(answer));
    expect(reply.getText('t').toString()).toBe(text(b));

    // Not a sync message y-protocols knows, and awareness that does not parse: y-webrtc
    // would throw out of the channel's message handler; both are dropped and counted.
    await deliver(channel, webrtcSync(7, new Uint8Array([1, 2, 3])));
    await deliver(channel, new Uint8Array([1, 0xff, 0xff, 0xff]));
    expect(rejected()).toBe(4);
    // Concurrent inserts at 0: their order follows the (random) client ids.
    expect(text(b).length).toBe('BONJOUR ard authentique'.length);
    for (const part of ['BONJOUR ', 'ard ', 'authentique']) expect(text(b)).toContain(part);
  });
});

describe('guardRoom (the seam in y-webrtc)', () => {
  it('fails loudly when y-webrtc no longer has the shape it relies on', () => {
    const doc = new Y.Doc();
    const guard = new UpdateGuard(doc);
    expect(() => guardRoom(null, guard, () => {})).toThrow(/y-webrtc changed/);
    expect(() => guardRoom({ doc, webrtcConns: {} }, guard, () => {})).toThrow(/y-webrtc changed/);
    expect(() => guardRoom({ doc: new Y.Doc(), webrtcConns: new Map() }, guard, () => {})).toThrow(
      /y-webrtc changed/,
    );
    const conns = new Map<string, unknown>();
    guardRoom({ doc, webrtcConns: conns }, guard, () => {});
    // A connection whose peer y-webrtc no longer listens to: destroyed, never kept.
    let destroyed = false;
    const silent = { peer: new EventEmitter(), destroy: () => (destroyed = true) };
    expect(() => conns.set('x', silent)).toThrow(/y-webrtc changed/);
    expect(destroyed).toBe(true);
    expect(conns.size).toBe(0);
    guard.destroy();
  });

  it('lets through only what the guard admits, and keeps y-webrtc reading the rest', () => {
    const doc = new Y.Doc();
    const guard = new UpdateGuard(doc);
    const conns = new Map<string, unknown>();
    let refused = 0;
    guardRoom({ doc, webrtcConns: conns }, guard, () => refused++);
    const peer = Object.assign(new EventEmitter(), { send: () => {} });
    const read: Uint8Array[] = [];
    peer.on('data', (data: Uint8Array) => read.push(data));
    conns.set('peer', { peer });
    const honest = webrtcUpdate(foreignUpdate('ok'));
    const awareness = new Uint8Array([1, 0]);
    peer.emit('data', honest);
    peer.emit('data', awareness);
    peer.emit('data', webrtcUpdate(craftUpdate(7, 3, [rootString('t', '')])));
    expect(read).toEqual([honest, awareness]);
    expect(refused).toBe(1);
    guard.destroy();
  });
});
