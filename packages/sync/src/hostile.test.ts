/**
 * The sealed relay path under attack, with the real relay on a real port, real libsodium
 * and real Yjs. Attackers: the relay operator (knows the topic, not the key: replays,
 * reorders, truncates, forges), a relay in the middle (sends any frame at all), and a
 * malicious peer (holds the key: crafted Yjs updates inside correct seals, floods).
 * In every case the honest client must not crash or hang, must count what it drops,
 * and must never take content from a frame that does not verify.
 */
import {
  createBilanKey,
  deriveBilanKeys,
  openMessage,
  ready,
  sealMessage,
  type BilanKey,
  type DerivedKeys,
} from '@tandem/crypto';
import { decodeRelayEnvelope, encodePresence, MessageKind, PresenceFlag } from '@tandem/protocol';
import { startRelay } from '@tandem/relay';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import * as syncProtocol from 'y-protocols/sync';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { MAX_RELAY_DATA_CHARS } from './constants.ts';
import { signalUrlFor } from './relay-endpoints.ts';
import type { WebSocketFactory, WebSocketLike } from './relay-socket.ts';
import { openSession, type OpenedSession } from './session.ts';
import { craftUpdate, parentString, rootString } from './testing/crafted-update.ts';
import { HostilePublisher, MitmRelay, sealedData, waitFor } from './testing/hostile.ts';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
/**
 * The crafted-update test runs a fixed list of seeds by default, so CI is deterministic;
 * 235932895 crafts a delete range past what the devices hold, which Yjs kept pending (and
 * applied later, or on a device that joined) before the update guard held such updates
 * back (docs/security.md, "Pending delete ranges"). `SEED=` runs that one seed instead.
 */
const CRAFTED_SEEDS = process.env.SEED ? [Number(process.env.SEED)] : [1, 2, 3, 235932895];
const nodeSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (data: string) => new Uint8Array(Buffer.from(data, 'base64'));

type Relay = Awaited<ReturnType<typeof startRelay>>;

/** A y-protocols "update" message carrying `update`. */
function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** A doc that edits the shared text as some other device would. */
function foreignUpdate(text: string, clientID?: number): Uint8Array {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

let relay: Relay;
let keys: DerivedKeys;
let key: BilanKey;
let accepted: string[];
let a: OpenedSession;
let b: OpenedSession;
let attacker: HostilePublisher;
const cleanups: (() => Promise<void> | void)[] = [];

const text = (s: OpenedSession) => s.doc.getText('t').toString();
/** The text a device's encoded state yields (what it persists and sends to a new device). */
const encodedText = (session: { doc: Y.Doc }) => {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(session.doc));
  return copy.getText('t').toString();
};
const rejected = (s: OpenedSession) => s.status().rejectedMessages;
/**
 * Whether Yjs was ever left with pending structs or delete ranges in the session's document
 * (seen before the update guard's last-line cleanup removes them after the transaction).
 */
function watchPending(session: OpenedSession): () => boolean {
  let seen = false;
  session.doc.on('beforeObserverCalls', () => {
    const { store } = session.doc;
    if (store.pendingStructs !== null || store.pendingDs !== null) seen = true;
  });
  return () => seen;
}

async function open(relayUrl = relay.url): Promise<OpenedSession> {
  const session = await openSession({
    bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
    key,
    relayUrl,
    createSocket: nodeSocket,
    localCopy: false,
    p2p: false,
  });
  cleanups.push(() => session.close());
  return session;
}

/** A honest edit; once B shows it, B has handled every frame published before it. */
let fences = 0;
async function fence(author: OpenedSession = a): Promise<void> {
  const mark = ` [fence ${++fences}]`;
  author.doc.getText('t').insert(text(author).length, mark);
  await waitFor(() => text(b).includes(mark), 'B to receive the fence edit');
}

/** Records B's connection states, to prove the relay never had to cut it. */
function watchConnection(session: OpenedSession): string[] {
  const states: string[] = [];
  cleanups.push(session.onStatus((s) => states.push(s.connection)) as () => void);
  return states;
}

beforeAll(async () => {
  await ready();
});

beforeEach(async () => {
  accepted = [];
  relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    onPublish: (_topic, frame) => accepted.push(frame),
  });
  key = createBilanKey();
  keys = deriveBilanKeys(key);
  attacker = new HostilePublisher(signalUrlFor(relay.url), keys.relayTopic, () => accepted.length);
  cleanups.push(() => attacker.closeSockets());
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await relay.close();
});

/** The `data` of every frame the relay accepted from index `from` on. */
function acceptedData(from = 0): string[] {
  return accepted.slice(from).map((frame) => JSON.parse(frame).data as string);
}

async function twoPeers(initial = 'authentique'): Promise<void> {
  a = await open();
  b = await open();
  await waitFor(() => a.status().peerOnline && b.status().peerOnline, 'both peers online');
  a.doc.getText('t').insert(0, initial);
  await waitFor(() => text(b) === initial, 'first sync');
}

describe('a relay operator without the key', () => {
  it('forged, tampered and re-targeted frames are dropped, counted and never applied', async () => {
    await twoPeers();
    const intrusion = syncUpdate(foreignUpdate('INTRUSION '));
    const genuine = sealMessage(
      keys.docKey,
      keys.relayTopic,
      MessageKind.Sync,
      envelope(intrusion),
    );
    const flip = (offset: number, bytes = genuine) => {
      const copy = Uint8Array.from(bytes);
      copy[offset < 0 ? copy.length + offset : offset]! ^= 0x01;
      return b64(copy);
    };
    const otherKey = deriveBilanKeys(createBilanKey()).docKey;
    const forged = [
      sealedData(otherKey, keys.relayTopic, MessageKind.Sync, intrusion),
      sealedData(
        otherKey,
        keys.relayTopic,
        MessageKind.Presence,
        encodePresence(PresenceFlag.Hello),
      ),
      // Right key, sealed for another topic: the additional data binds the topic.
      sealedData(keys.docKey, keys.rtcTopic, MessageKind.Sync, intrusion),
      flip(0), // version
      flip(1), // kind: Sync → another kind
      flip(2), // first nonce byte
      flip(25), // last nonce byte
      flip(26), // first ciphertext byte
      flip(-17), // last ciphertext byte
      flip(-1), // tag
    ];
    const before = rejected(b);
    await attacker.publish(forged);
    await fence();
    expect(rejected(b) - before).toBe(forged.length);
    expect(text(b)).not.toContain('INTRUSION');
    expect(text(a)).not.toContain('INTRUSION');
    expect(b.status().connection).toBe('relay');

    // Control: the very same frame, untampered, is applied — so the ones above could have been.
    await attacker.publish([b64(genuine)]);
    await waitFor(() => text(b).includes('INTRUSION'), 'the genuine frame to apply');
    expect(rejected(b) - before).toBe(forged.length);
  });

  it('truncated, oversized, non-base64 and mistyped data are dropped and counted', async () => {
    await twoPeers();
    console.info(`hostile frames seed: ${SEED} (replay with SEED=${SEED})`);
    const random = prng.create(SEED);
    const sealed = sealMessage(
      keys.docKey,
      keys.relayTopic,
      MessageKind.Sync,
      // This client id makes the sealed length 74 bytes, so its base64 ends in `=`.
      envelope(syncUpdate(foreignUpdate('TRONQUÉ ', 3_000_000))),
    );
    const whole = b64(sealed);
    expect(whole).toMatch(/=$/);
    // Base64 decoders accept missing padding, so cutting a padded string's `=` cuts nothing:
    // the cuts are made on the unpadded form, and each one must lose at least a byte.
    const cutText = [1, 2, 3, 5].map((n) => whole.replace(/=+$/, '').slice(0, -n));
    for (const cut of cutText) expect(unb64(cut).length).toBeLessThan(sealed.length);
    const hostile: unknown[] = [
      ...[0, 1, 2, 26, 41, 42, sealed.length - 16, sealed.length - 1].map((n) =>
        b64(sealed.subarray(0, n)),
      ),
      ...cutText,
      '!!!!',
      '====',
      'A',
      '\u0000\u0001',
      'é'.repeat(100),
      ...Array.from({ length: 40 }, () => prng.word(random, 0, 300)),
      ...Array.from({ length: 40 }, () =>
        b64(prng.uint8Array(random, prng.uint32(random, 0, 2000))),
      ),
      // A plausible header (version 1, a known kind) over random bytes.
      ...[1, 2, 3, 4].map((kind) => b64(withHeader(kind, prng.uint8Array(random, 80)))),
      // Large, within the relay's frame limit: rejected before or by authentication.
      b64(withHeader(1, prng.uint8Array(random, 700_000))),
      'A'.repeat(1_000_000),
      // Not a string at all.
      42,
      null,
      true,
      { data: whole },
      [whole],
    ];
    const before = rejected(b);
    await attacker.publish(hostile);
    // A publish without any `data` field.
    const beforeBare = accepted.length;
    const bare = new WebSocket(signalUrlFor(relay.url));
    await new Promise((resolve) => bare.once('open', resolve));
    bare.send(JSON.stringify({ type: 'publish', topic: keys.relayTopic }));
    await waitFor(() => accepted.length > beforeBare, 'the bare publish');
    bare.terminate();
    // Every frame is counted (a lost one times out here); the fence then shows nothing more came.
    await waitFor(() => rejected(b) - before >= hostile.length + 1, 'every frame counted');
    await fence();
    expect(rejected(b) - before).toBe(hostile.length + 1);
    expect(text(b)).not.toContain('TRONQUÉ');
    expect(b.status().connection).toBe('relay');
  });

  it('replayed frames change nothing: deleted text stays deleted, and replies stay bounded', async () => {
    await twoPeers('début');
    const from = accepted.length;
    a.doc.getText('t').insert(text(a).length, ' phrase secrète');
    await waitFor(() => text(b).includes('secrète'), 'B to see the sentence');
    a.doc.getText('t').delete('début'.length, ' phrase secrète'.length);
    await waitFor(() => !text(b).includes('secrète'), 'B to see the deletion');
    await fence();
    // Everything said on the topic so far, A's and B's, Hellos and sync steps included.
    const captured = acceptedData(0);
    expect(acceptedData(from).length).toBeGreaterThan(2);
    const connection = watchConnection(b);
    const beforeRejected = rejected(b);
    const beforeReplay = accepted.length;
    const isHello = (data: string) => {
      const message = openCaptured(data);
      return message?.kind === MessageKind.Presence && message.payload[0] === PresenceFlag.Hello;
    };
    const isStep1 = (data: string) => {
      const message = openCaptured(data);
      return message?.kind === MessageKind.Sync && message.payload[0] === 0;
    };
    const hellos = captured.filter(isHello);
    const step1s = captured.filter(isStep1);
    expect(hellos.length).toBeGreaterThan(0);
    expect(step1s.length).toBeGreaterThan(0);
    const replay = [
      ...captured,
      ...captured.slice().reverse(),
      ...Array.from({ length: 300 }, (_, i) => hellos[i % hellos.length]!),
      ...Array.from({ length: 300 }, (_, i) => step1s[i % step1s.length]!),
    ];
    await attacker.publish(replay);
    await fence();
    await fence();
    expect(text(b)).toBe(text(a));
    expect(text(b)).not.toContain('secrète');
    // Authentic frames open fine: replaying them is not counted as tampering.
    expect(rejected(b)).toBe(beforeRejected);
    // Each replayed Hello or sync step 1 asks for an answer; answers are coalesced, so a
    // replay flood costs the honest devices a bounded number of publishes.
    const honest = accepted.length - beforeReplay - replay.length;
    console.info(`replay of ${replay.length} frames made the honest devices publish ${honest}`);
    expect(honest).toBeLessThan(30);
    expect(connection.filter((state) => state !== 'relay')).toEqual([]);
  });

  it('frames delivered out of order (and duplicated) converge to exactly the original', async () => {
    // A edits with only a listener on the topic; its frames are then fed to B shuffled.
    const listener = new WebSocket(signalUrlFor(relay.url));
    cleanups.push(() => listener.terminate());
    await new Promise((resolve) => listener.once('open', resolve));
    listener.send(JSON.stringify({ type: 'subscribe', topics: [keys.relayTopic] }));
    a = await open();
    await waitFor(() => accepted.length > 0, "A's hello");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const from = accepted.length;
    const random = prng.create(SEED);
    const t = a.doc.getText('t');
    for (let i = 0; i < 30; i++) {
      const at = prng.uint32(random, 0, t.length);
      if (t.length > 5 && prng.bool(random)) t.delete(at > 0 ? at - 1 : 0, 1);
      else t.insert(at, prng.word(random, 1, 6));
    }
    await waitFor(() => accepted.length >= from + 30, "A's updates to be published");
    const frames = acceptedData(from);
    const expected = text(a);
    await a.close();

    b = await open();
    const order = frames.map((data) => ({ data, sortKey: prng.real53(random) }));
    order.sort((x, y) => x.sortKey - y.sortKey);
    const half = order.slice(0, order.length >> 1).map((f) => f.data);
    await attacker.publish(half);
    await attacker.publish([...order.map((f) => f.data), ...half]);
    await waitFor(() => text(b) === expected, `B to converge (SEED=${SEED})`);
    expect(rejected(b)).toBe(0);
  });
});

describe('a relay in the middle that sends anything', () => {
  it('binary, non-JSON and over-limit frames are counted and the session keeps syncing', async () => {
    a = await open();
    const mitm = await MitmRelay.start(signalUrlFor(relay.url));
    cleanups.push(() => mitm.close());
    b = await open(mitm.url);
    await waitFor(() => a.status().peerOnline && b.status().peerOnline, 'both peers online');
    a.doc.getText('t').insert(0, 'authentique');
    await waitFor(() => text(b) === 'authentique', 'first sync');

    const before = rejected(b);
    const counted = [
      Buffer.from([1, 2, 3]),
      'not json',
      '{"type":"publish"',
      'null',
      '"publish"',
      JSON.stringify({
        type: 'publish',
        topic: keys.relayTopic,
        data: 'A'.repeat(MAX_RELAY_DATA_CHARS + 1),
      }),
      'x'.repeat(3 * 1024 * 1024),
    ];
    const ignored = [
      JSON.stringify({ type: 'publish', topic: 'another-topic', data: 'AAAA' }),
      JSON.stringify({ type: 'unknown' }),
      JSON.stringify({ type: 'pong' }),
      '[]',
      '{}',
    ];
    for (const frame of [...counted, ...ignored]) mitm.inject(frame);
    // Silly subscriber counts never confuse who is online.
    const hello = sealedData(
      keys.docKey,
      keys.relayTopic,
      MessageKind.Presence,
      encodePresence(PresenceFlag.Heartbeat),
    );
    for (const clients of [-1, 1.5, 'x', 1e308]) {
      mitm.inject(
        JSON.stringify({ type: 'publish', topic: keys.relayTopic, data: hello, clients }),
      );
    }
    await fence();
    expect(rejected(b) - before).toBe(counted.length);
    a.doc.getText('t').insert(0, 'encore ');
    await waitFor(() => text(b).startsWith('encore '), 'B to keep syncing');
    b.doc.getText('t').insert(text(b).length, ' retour');
    await waitFor(() => text(a).endsWith(' retour'), 'A to receive from B');
  });
});

/** Version 1 and a known kind in front of arbitrary bytes. */
function withHeader(kind: number, rest: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + rest.length);
  out[0] = 1;
  out[1] = kind;
  out.set(rest, 2);
  return out;
}

describe('a malicious peer holding the key', () => {
  /** Seals `payload` correctly, as the other key holder can. */
  const asPeer = (kind: MessageKind, payload: Uint8Array) =>
    sealedData(keys.docKey, keys.relayTopic, kind, payload);

  it('a half-valid update is refused whole: nothing of it lands, it is counted', async () => {
    await twoPeers();
    const events: Uint8Array[] = [];
    b.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== null) events.push(update);
    });
    const before = rejected(b);
    const svBefore = Y.encodeStateVector(b.doc);
    // Structs that parse, followed by a delete set that does not: Yjs integrates the
    // structs first, then throws.
    const whole = foreignUpdate('DEMI ');
    const truncated = whole.subarray(0, whole.length - 1);
    const intruder = new Y.Doc();
    intruder.getText('t').insert(0, 'VIDE ');
    const emptyDelete = craftUpdate(
      intruder.clientID,
      0,
      [rootString('t', 'VIDE ')],
      [[a.doc.clientID, 0, 0]],
    );
    await attacker.publish(
      [truncated, emptyDelete].map((u) => asPeer(MessageKind.Sync, syncUpdate(u))),
    );
    await fence();
    expect(text(b)).not.toContain('DEMI');
    expect(text(b)).not.toContain('VIDE');
    expect(rejected(b) - before).toBe(2);
    // Only the fence changed B's document.
    expect(events).toHaveLength(1);
    expect(Y.encodeStateVector(b.doc).length).toBeGreaterThanOrEqual(svBefore.length);
  });

  it("a struct pointing into A's future cannot make A's next honest update fail", async () => {
    // Sent to B alone (through a relay in the middle), as a peer racing A would.
    a = await open();
    const mitm = await MitmRelay.start(signalUrlFor(relay.url));
    cleanups.push(() => mitm.close());
    b = await open(mitm.url);
    await waitFor(() => a.status().peerOnline && b.status().peerOnline, 'both peers online');
    a.doc.getText('t').insert(0, 'authentique');
    await waitFor(() => text(b) === 'authentique', 'first sync');
    const before = rejected(b);
    const next = Y.getState(a.doc.store, a.doc.clientID);
    // Claims a clock A has not reached yet, inside a parent A will only create later:
    // Yjs would park it, then throw on A's next honest update.
    const poison = craftUpdate(a.doc.clientID, next + 3, [
      parentString(a.doc.clientID, next + 50, 'x'),
    ]);
    const data = asPeer(MessageKind.Sync, syncUpdate(poison));
    mitm.inject(JSON.stringify({ type: 'publish', topic: keys.relayTopic, data }));
    await waitFor(() => rejected(b) - before === 1, 'the poison to be refused on arrival', 3_000);
    expect(b.doc.store.pendingStructs).toBeNull();
    a.doc.getText('t').insert(0, 'suite ');
    await waitFor(() => text(b).startsWith('suite '), "B to apply A's honest update");
    await fence();
    expect(text(b)).toBe(text(a));
    // Only the poison was refused; every honest update applied.
    expect(rejected(b) - before).toBe(1);
  });

  it('a delete range running past what the devices hold is never applied, stored or passed on', async () => {
    await twoPeers();
    const pendingSeen = [watchPending(a), watchPending(b)];
    const next = Y.getState(a.doc.store, a.doc.clientID);
    // All A wrote and far into what A has not written yet. Yjs would delete what exists
    // now, keep the rest pending, store and send it, and delete A's later words with it.
    const wipe = craftUpdate(0x7a11, 0, [], [[a.doc.clientID, 0, next + 10_000]]);
    await attacker.publish([asPeer(MessageKind.Sync, syncUpdate(wipe))]);
    await fence();
    expect(text(b)).toBe(text(a));
    expect(text(b)).toContain('authentique');
    const c = await open();
    await waitFor(() => text(c) === text(a), 'a new device to catch up');
    expect(text(c)).toContain('authentique');
    for (const session of [a, b, c]) expect(encodedText(session)).toBe(text(session));
    expect(pendingSeen.map((seen) => seen())).toEqual([false, false]);
  });

  for (const seed of CRAFTED_SEEDS) {
    it(`seeded crafted updates, awareness and presence never crash or stall B (SEED=${seed})`, async () => {
      console.info(`hostile peer seed: ${seed} (replay with SEED=${seed})`);
      await twoPeers();
      const pendingSeen = [watchPending(a), watchPending(b)];
      const random = prng.create(seed);
      // A's real updates, as the malicious peer sees them: the raw material to mutate.
      const genuine: Uint8Array[] = [];
      a.doc.on('update', (update: Uint8Array) => genuine.push(update));
      const t = a.doc.getText('t');
      for (let i = 0; i < 20; i++) {
        t.insert(prng.uint32(random, 0, t.length), prng.word(random, 1, 8));
        if (i % 4 === 3) t.delete(0, 2);
      }
      a.doc.getMap('meta').set('phase', 'investigation');
      genuine.push(Y.encodeStateAsUpdate(a.doc));
      await waitFor(() => text(b) === text(a), 'B to catch up');

      const mutate = (bytes: Uint8Array) => {
        const copy = Uint8Array.from(bytes);
        for (let f = prng.uint32(random, 1, 4); f > 0; f--) {
          const at = prng.uint32(random, 0, copy.length - 1);
          copy[at] = prng.oneOf(random, [0, 1, 0x7f, 0x80, 0xff, prng.uint32(random, 0, 255)]);
        }
        return copy;
      };
      const syncOf = (type: number, body: Uint8Array) => {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, type);
        encoding.writeVarUint8Array(encoder, body);
        return encoding.toUint8Array(encoder);
      };
      const frames: string[] = [];
      for (let i = 0; i < 300; i++) {
        const base = prng.oneOf(random, genuine);
        frames.push(asPeer(MessageKind.Sync, syncOf(prng.uint32(random, 1, 2), mutate(base))));
      }
      for (let i = 0; i < 60; i++) {
        const junk = prng.uint8Array(random, prng.uint32(random, 0, 200));
        frames.push(asPeer(MessageKind.Sync, junk));
        frames.push(asPeer(MessageKind.Sync, syncOf(prng.uint32(random, 0, 9), junk)));
        frames.push(asPeer(MessageKind.Awareness, junk));
        frames.push(asPeer(MessageKind.Presence, junk));
        frames.push(asPeer(MessageKind.Tombstone, junk));
      }
      // An envelope shorter than a sender id, and a huge state vector request.
      frames.push(
        b64(sealMessage(keys.docKey, keys.relayTopic, MessageKind.Sync, new Uint8Array(3))),
      );
      frames.push(asPeer(MessageKind.Sync, syncOf(0, prng.uint8Array(random, 200_000))));
      const before = rejected(b);
      await attacker.publish(frames);
      // The key holder may legitimately have deleted anything A wrote. A device that joins
      // now is out of its reach: its edits must reach B, so B is still reading and applying.
      const c = await open();
      pendingSeen.push(watchPending(c));
      await waitFor(() => text(c) === text(a), 'a new device to catch up');
      await fence(c);
      expect(rejected(b) - before).toBeGreaterThan(200);
      c.doc.getText('t').insert(0, 'après ');
      await waitFor(() => text(b).startsWith('après '), 'B to keep receiving');
      b.doc.getText('t').insert(0, 'réponse ');
      await waitFor(() => text(c).startsWith('réponse '), 'B to keep sending');
      // The honest devices agree, and B's document still encodes and reloads.
      await waitFor(() => text(a) === text(b) && text(c) === text(b), 'A, B and C to agree');
      const reloaded = new Y.Doc();
      Y.applyUpdate(reloaded, Y.encodeStateAsUpdate(b.doc));
      expect(reloaded.getText('t').toString()).toBe(text(b));
      // What each device shows is what it stores and sends: no delete range or struct was
      // ever left pending in Yjs (`pendingDs` would have been applied later, or on C).
      for (const session of [a, b, c]) expect(encodedText(session)).toBe(text(session));
      expect(pendingSeen.map((seen) => seen())).toEqual([false, false, false]);
    });
  }

  it('a flood of updates, Hellos and step 1s leaves B connected, responsive and brief', async () => {
    await twoPeers();
    const connection = watchConnection(b);
    const flooder = new Y.Doc();
    const updates: Uint8Array[] = [];
    flooder.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < 1500; i++) flooder.getArray('flood').push([i]);
    const emptyStep1 = (() => {
      const encoder = encoding.createEncoder();
      syncProtocol.writeSyncStep1(encoder, new Y.Doc());
      return encoding.toUint8Array(encoder);
    })();
    const frames = [
      ...updates.map((u) => asPeer(MessageKind.Sync, syncUpdate(u))),
      ...Array.from({ length: 500 }, () =>
        asPeer(MessageKind.Presence, encodePresence(PresenceFlag.Hello)),
      ),
      ...Array.from({ length: 500 }, () => asPeer(MessageKind.Sync, emptyStep1)),
    ];
    const beforeFlood = accepted.length;
    await attacker.publish(frames);
    await fence();
    expect(b.doc.getArray('flood').length).toBe(1500);
    const honest = accepted.length - beforeFlood - frames.length;
    console.info(`flood of ${frames.length} frames made the honest devices publish ${honest}`);
    expect(honest).toBeLessThan(60);
    expect(connection.filter((state) => state !== 'relay')).toEqual([]);
    b.doc.getText('t').insert(0, 'toujours là ');
    await waitFor(() => text(a).startsWith('toujours là '), 'A to hear from B');
  });
});

function envelope(payload: Uint8Array, senderId = prng.uint8Array(prng.create(1), 8)): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out.set(senderId, 0);
  out.set(payload, 8);
  return out;
}

/** Opens a captured frame as a key holder would, to reuse what is inside. */
function openCaptured(data: string) {
  const opened = openMessage(keys.docKey, keys.relayTopic, unb64(data));
  if (!opened.ok) return null;
  const parsed = decodeRelayEnvelope(opened.plaintext);
  return parsed.ok ? { kind: opened.kind, payload: parsed.value.payload } : null;
}
