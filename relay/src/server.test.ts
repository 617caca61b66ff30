/**
 * The relay on a real port, driven by the stock y-webrtc client code (SignalingConn and
 * WebrtcProvider) exactly as a browser runs it.
 */
import { CloseCode } from '@tandem/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignalingConn, WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { startRelay, type RunningRelay } from './server.ts';
import {
  isRecord,
  openClient,
  publishOf,
  signalUrl,
  until,
  type RecordingClient,
} from './test-clients.ts';

// lib0's WebSocket client (under SignalingConn) expects the browser global; Node 20 has none.
if (!('WebSocket' in globalThis)) Object.assign(globalThis, { WebSocket });

interface StockClient {
  readonly conn: SignalingConn;
  readonly messages: unknown[];
}

const openStockClient = async (url: string): Promise<StockClient> => {
  const conn = new SignalingConn(signalUrl(url));
  const messages: unknown[] = [];
  conn.on('message', (message: unknown) => messages.push(message));
  await until(() => conn.connected, 'SignalingConn to connect');
  return { conn, messages };
};

let relay: RunningRelay | undefined;
const cleanups: (() => unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await relay?.close();
  relay = undefined;
});

const start = async (options: Parameters<typeof startRelay>[0] = {}) => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', staticDir: '/nonexistent', ...options });
  return relay;
};

const stockClient = async (url: string) => {
  const client = await openStockClient(url);
  cleanups.push(() => client.conn.destroy());
  return client;
};

const rawClient = async (url: string) => {
  const client = await openClient(signalUrl(url));
  cleanups.push(() => client.close());
  return client;
};

describe('relay with the stock y-webrtc SignalingConn', () => {
  it('lets two clients in a room see each other, sender included, with the clients count', async () => {
    const { url } = await start();
    const alice = await stockClient(url);
    const bob = await stockClient(url);
    alice.conn.send({ type: 'subscribe', topics: ['room'] });
    bob.conn.send({ type: 'subscribe', topics: ['room'] });
    // Subscriptions are applied in order per socket: a ping answered means the subscribe is in.
    alice.conn.send({ type: 'ping' });
    bob.conn.send({ type: 'ping' });
    await until(() => alice.messages.length === 1 && bob.messages.length === 1, 'both pongs');
    expect(alice.messages).toEqual([{ type: 'pong' }]);

    alice.conn.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'alice' } });
    bob.conn.send({ type: 'publish', topic: 'room', data: 'b64-sealed' });
    const fromAlice = {
      type: 'publish',
      topic: 'room',
      data: { type: 'announce', from: 'alice' },
      clients: 2,
    };
    const fromBob = { type: 'publish', topic: 'room', data: 'b64-sealed', clients: 2 };
    await until(() => alice.messages.length === 3 && bob.messages.length === 3, 'both publishes');
    for (const { messages } of [alice, bob]) {
      expect(messages).toContainEqual(fromAlice);
      expect(messages).toContainEqual(fromBob);
    }
  });

  it('stops delivering to a client that unsubscribed', async () => {
    const { url } = await start();
    const alice = await stockClient(url);
    const bob = await stockClient(url);
    for (const { conn } of [alice, bob]) conn.send({ type: 'subscribe', topics: ['room'] });
    bob.conn.send({ type: 'unsubscribe', topics: ['room'] });
    bob.conn.send({ type: 'ping' });
    await until(() => bob.messages.length === 1, 'pong after unsubscribe');
    alice.conn.send({ type: 'publish', topic: 'room', data: 'x' });
    await until(() => alice.messages.length === 1, 'own publish');
    expect(alice.messages).toEqual([{ type: 'publish', topic: 'room', data: 'x', clients: 1 }]);
    // Bob's ping goes after Alice's publish was fanned out, so its pong comes after it too.
    bob.conn.send({ type: 'ping' });
    await until(() => bob.messages.length === 2, 'second pong');
    expect(bob.messages).toEqual([{ type: 'pong' }, { type: 'pong' }]);
  });

  it('carries the encrypted announce of a stock WebrtcProvider', async () => {
    const { url } = await start();
    const observer = await rawClient(url);
    observer.send({ type: 'subscribe', topics: ['provider-room'] });
    observer.send({ type: 'ping' });
    await observer.waitFor((m) => isRecord(m) && m['type'] === 'pong', 'pong');

    const doc = new Y.Doc();
    const provider = new WebrtcProvider('provider-room', doc, {
      signaling: [signalUrl(url)],
      password: 'rtc-password',
    });
    cleanups.push(() => {
      provider.destroy();
      doc.destroy();
    });
    const announce = await observer.waitFor(
      (m) => isRecord(m) && m['type'] === 'publish' && m['topic'] === 'provider-room',
      'the provider announce',
    );
    // Encrypted with the room password: the relay only ever sees base64 ciphertext.
    expect(announce).toMatchObject({
      topic: 'provider-room',
      clients: 2,
      data: expect.any(String),
    });
    expect(JSON.stringify(announce)).not.toContain('announce');
  });

  it('shuts down with GoingAway and frees its port', async () => {
    const running = await start();
    const client = await rawClient(running.url);
    await running.close();
    expect(await client.closed).toMatchObject({ code: CloseCode.GoingAway });
    relay = await startRelay({ port: running.port, host: '127.0.0.1', staticDir: '/nonexistent' });
    expect(relay.port).toBe(running.port);
  });
});

describe('relay over HTTP', () => {
  it('serves /healthz and /config on its port', async () => {
    const { url } = await start({ iceServers: [{ urls: 'stun:stun.example.org' }] });
    const health = await fetch(`${url}/healthz`);
    expect(await health.json()).toEqual({
      ok: true,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(health.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await (await fetch(`${url}/config`)).json()).toEqual({
      iceServers: [{ urls: 'stun:stun.example.org' }],
    });
  });

  it('refuses WebSocket upgrades anywhere but /signal', async () => {
    const { url } = await start();
    await expect(openClient(`${url.replace('http', 'ws')}/`)).rejects.toThrow(/404/);
    await expect(openClient(`${url.replace('http', 'ws')}/signal/x`)).rejects.toThrow(/404/);
    const client: RecordingClient = await rawClient(url);
    client.send({ type: 'ping' });
    await client.waitFor((m) => isRecord(m) && m['type'] === 'pong');
  });

  it('sends publishes to the tap exactly as received', async () => {
    const frames: [string, string][] = [];
    const { url } = await start({ onPublish: (topic, frame) => frames.push([topic, frame]) });
    const client = await rawClient(url);
    const text = '{"type":"publish", "topic":"t","data":"sealed"}';
    client.send(text);
    client.send({ type: 'subscribe', topics: ['t'] });
    client.send(text);
    await client.waitFor(publishOf('sealed'));
    expect(frames).toEqual([
      ['t', text],
      ['t', text],
    ]);
  });
});
