import { createBilanKey, deriveBilanKeys, ready } from '@tandem/crypto';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { RelayProvider } from './relay-provider.ts';
import { signalUrlFor } from './relay-endpoints.ts';
import { sealedChannel } from './sealed-channel.ts';
import { startRelay } from '@tandem/relay';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as prng from 'lib0/prng';
import { openSession, type OpenedSession } from './session.ts';
import { ChaosNetwork } from './testing/chaos-socket.ts';
import { nodeSocket, until } from './testing/node.ts';

type Relay = Awaited<ReturnType<typeof startRelay>>;

const MARKER = 'MARQUEUR-CONFIDENTIEL-7f3a Synthèse: projet boulangerie';

/** Every way the marker could appear in a frame: raw, JSON-escaped, base64 at 3 alignments. */
function leaks(frame: string, marker: string): boolean {
  if (frame.includes(marker) || frame.includes(JSON.stringify(marker).slice(1, -1))) return true;
  const bytes = Buffer.from(marker, 'utf8');
  for (let shift = 0; shift < 3; shift++) {
    const b64 = bytes.subarray(shift).toString('base64');
    const core = b64.slice(4, -4);
    if (
      core.length > 8 &&
      (frame.includes(core) || frame.includes(core.replace(/\+/g, '-').replace(/\//g, '_')))
    ) {
      return true;
    }
  }
  return false;
}

describe('sync through the sealed relay path (real relay, real libsodium, real Yjs)', () => {
  let relay: Relay | null = null;
  const sessions: OpenedSession[] = [];
  const frames: string[] = [];

  beforeAll(async () => {
    await ready();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    await relay?.close();
    relay = null;
    frames.length = 0;
  });

  async function open(
    key: ReturnType<typeof createBilanKey>,
    relayUrl: string,
    createSocket = nodeSocket,
  ) {
    const session = await openSession({
      bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
      key,
      relayUrl,
      createSocket,
      localCopy: false,
      p2p: false,
    });
    sessions.push(session);
    return session;
  }

  it('converges two documents and never carries the plaintext', async () => {
    relay = await startRelay({ port: 0, host: '127.0.0.1', onPublish: (_t, f) => frames.push(f) });
    const key = createBilanKey();
    const a = await open(key, relay.url);
    const b = await open(key, relay.url);
    await until(() => a.status().peerOnline && b.status().peerOnline, 'both peers online');
    expect(a.status().connection).toBe('relay');

    a.doc.getText('synthesis').insert(0, MARKER);
    await until(() => b.doc.getText('synthesis').toString() === MARKER, 'b to receive a');
    b.doc.getArray<string>('plan').push([`${MARKER} (plan)`]);
    await until(() => a.doc.getArray('plan').length === 1, 'a to receive b');

    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => leaks(f, MARKER))).toEqual([]);
    expect(frames.filter((f) => leaks(f, 'projet boulangerie'))).toEqual([]);
    expect(a.status().rejectedMessages).toBe(0);
  });

  it('the leak detector itself finds a marker sent in clear', () => {
    const frame = JSON.stringify({ data: Buffer.from(`xx${MARKER}yy`).toString('base64') });
    expect(leaks(frame, MARKER)).toBe(true);
    expect(leaks(JSON.stringify({ data: MARKER }), MARKER)).toBe(true);
  });

  it('a session with another key on the same relay sees nothing and corrupts nothing', async () => {
    relay = await startRelay({ port: 0, host: '127.0.0.1' });
    const key = createBilanKey();
    const a = await open(key, relay.url);
    const b = await open(key, relay.url);
    const stranger = await open(createBilanKey(), relay.url);
    a.doc.getText('synthesis').insert(0, MARKER);
    stranger.doc.getText('synthesis').insert(0, 'intrus');
    await until(() => b.doc.getText('synthesis').toString() === MARKER, 'b to receive a');
    await new Promise((r) => setTimeout(r, 300));
    expect(stranger.doc.getText('synthesis').toString()).toBe('intrus');
    expect(a.doc.getText('synthesis').toString()).toBe(MARKER);
  });

  it('reconnects after a relay restart and converges edits made meanwhile', async () => {
    relay = await startRelay({ port: 0, host: '127.0.0.1' });
    const port = relay.port;
    const key = createBilanKey();
    const a = await open(key, relay.url);
    const b = await open(key, relay.url);
    a.doc.getText('t').insert(0, 'avant ');
    await until(() => b.doc.getText('t').toString() === 'avant ', 'first sync');

    await relay.close();
    relay = null;
    await until(() => a.status().connection !== 'relay', 'a to notice the relay is gone');
    a.doc.getText('t').insert(6, 'pendant-A ');
    b.doc.getText('t').insert(0, 'pendant-B ');

    relay = await startRelay({ port, host: '127.0.0.1' });
    const expected = (s: OpenedSession) => s.doc.getText('t').toString();
    await until(
      () =>
        expected(a) === expected(b) &&
        expected(a).includes('pendant-A') &&
        expected(a).includes('pendant-B'),
      'convergence after restart',
      30_000,
    );
    expect(a.status().connection).toBe('relay');
  });

  it('an edit lost while one side was cut off reaches the other side after it reconnects', async () => {
    relay = await startRelay({ port: 0, host: '127.0.0.1' });
    const key = createBilanKey();
    const network = new ChaosNetwork(prng.create(1), 0, 0);
    network.calm = true;
    const a = await open(key, relay.url, network.factory());
    const b = await open(key, relay.url);
    a.doc.getText('t').insert(0, 'connecté ');
    await until(() => b.doc.getText('t').toString() === 'connecté ', 'first sync');

    // The connection drops with A's next edit in flight: the frame is lost, and only B
    // asking A for a sync step 1 after A comes back can recover it.
    network.cutOne();
    a.doc.getText('t').insert(0, 'perdu-en-route ');
    expect(network.cuts).toBe(1);
    await until(() => network.opened === 2 && a.status().connection === 'relay', 'a to reconnect');
    await until(
      () => b.doc.getText('t').toString() === a.doc.getText('t').toString(),
      'b to recover the lost edit',
    );
    expect(b.doc.getText('t').toString()).toBe('perdu-en-route connecté ');
  });

  it('messages sealed with another key on the same topic are dropped, counted and never applied', async () => {
    relay = await startRelay({ port: 0, host: '127.0.0.1' });
    const key = createBilanKey();
    const a = await open(key, relay.url);
    a.doc.getText('t').insert(0, 'authentique');
    // An attacker who knows the topic (e.g. the relay operator) but not the key.
    const topic = deriveBilanKeys(key).relayTopic;
    const forgedDoc = new Y.Doc();
    forgedDoc.getText('t').insert(0, 'FORGÉ ');
    const forger = new RelayProvider({
      doc: forgedDoc,
      awareness: new Awareness(forgedDoc),
      signalUrl: signalUrlFor(relay.url),
      topic,
      channel: sealedChannel(deriveBilanKeys(createBilanKey()).docKey, topic),
      p2pConnections: () => 0,
      createSocket: nodeSocket,
      onChange: () => {},
    });
    try {
      await until(() => a.status().rejectedMessages >= 2, 'forged messages to be rejected');
      forgedDoc.getText('t').insert(0, 'encore ');
      await new Promise((r) => setTimeout(r, 200));
      expect(a.doc.getText('t').toString()).toBe('authentique');
      expect(a.status().peerOnline).toBe(false);
      expect(forgedDoc.getText('t').toString()).toBe('encore FORGÉ ');
    } finally {
      forger.destroy();
    }
  });
});
