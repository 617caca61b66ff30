/**
 * Differential test: the same script of well-formed y-webrtc signaling traffic against the
 * stock server (`y-webrtc/bin/server.js`, run as a child process) and against this relay.
 * Every client must receive exactly the same messages from both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RunningRelay } from './server.ts';
import { isRecord, openClient, until, type RecordingClient } from './test-clients.ts';
import { freePort } from './free-port.ts';

const STOCK_SERVER = join(
  dirname(createRequire(import.meta.url).resolve('y-webrtc')),
  '..',
  'bin',
  'server.js',
);

const startStockServer = async (): Promise<{ url: string; child: ChildProcess }> => {
  const port = await freePort();
  const child = spawn(process.execPath, [STOCK_SERVER], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stock server exited (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Signaling server running')) resolve();
    });
  });
  return { url: `ws://127.0.0.1:${port}`, child };
};

type Step = readonly [client: number, frame: string];

/** Well-formed traffic only: this is where the two servers must agree exactly. */
const SCRIPT: readonly Step[] = [
  [0, '{"type":"subscribe","topics":["r1","r2"]}'],
  [1, '{"type":"subscribe","topics":["r1"]}'],
  [2, '{"type":"subscribe"}'],
  [0, '{"type":"publish","topic":"r1","data":{"type":"announce","from":"a"}}'],
  [2, '{"type":"publish","topic":"r1","data":"from-outside","to":"b","token":1.5}'],
  [1, '{"type":"publish","topic":"r2","data":"b-to-r2"}'],
  [0, '{"type":"subscribe","topics":["r1"]}'],
  [0, '{"type":"publish","topic":"r1","data":"after-double-subscribe"}'],
  [1, '{"type":"unsubscribe","topics":["r1","never"]}'],
  [0, '{"type":"publish","topic":"r1","data":"after-unsubscribe"}'],
  [2, '{"type":"publish","topic":"nobody-here","data":"lost"}'],
  [1, '{"type":"publish","topic":"r1","data":"sender-claims","clients":99}'],
  [
    0,
    ' { "type" : "publish", "topic" : "r2", "data" : "é☃\\u2028\\ud83d\\ude00", "n" : [1, {"x": null}] } ',
  ],
  [2, '{"type":"subscribe","topics":["r2"]}'],
  [2, '{"type":"publish","topic":"r2","data":"three-now"}'],
  [1, '{"type":"ping"}'],
];

const pongs = (client: RecordingClient) =>
  client.messages.filter((m) => isRecord(m) && m['type'] === 'pong').length;

/** Runs the script; after each step every client pings in turn, so delivery order is fixed. */
const runScript = async (url: string): Promise<unknown[][]> => {
  const clients = await Promise.all([0, 1, 2].map(() => openClient(url)));
  try {
    for (const [index, frame] of SCRIPT) {
      clients[index]?.send(frame);
      for (const client of clients) {
        const before = pongs(client);
        client.send('{"type":"ping"}');
        await until(() => pongs(client) > before, 'barrier pong');
      }
    }
    return clients.map((client) => [...client.messages]);
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
};

describe('same traffic, same deliveries as the stock y-webrtc server', () => {
  let stock: { url: string; child: ChildProcess } | undefined;
  let relay: RunningRelay | undefined;

  beforeAll(async () => {
    stock = await startStockServer();
    relay = await startRelay({ port: 0, host: '127.0.0.1', staticDir: '/nonexistent' });
  });

  afterAll(async () => {
    stock?.child.kill();
    await relay?.close();
  });

  it('delivers identical messages to every client', async () => {
    if (stock === undefined || relay === undefined) throw new Error('servers not started');
    const fromStock = await runScript(stock.url);
    const fromRelay = await runScript(`${relay.url.replace('http', 'ws')}/signal`);
    // Sanity: the script exercises fan-out, not just pongs.
    expect(fromStock.flat().filter((m) => isRecord(m) && m['type'] === 'publish').length).toBe(12);
    expect(fromRelay).toEqual(fromStock);
  });
});
