/**
 * Seeded relay fuzzer (loopback only, bounded in frames and time). A relay runs in its own
 * process; fuzz workers hammer it with mutated signaling frames, random JSON, binary and
 * invalid UTF-8, frames at and over the size limit, floods, too many topics, slow readers,
 * raw TCP garbage and connect/disconnect churn, while two healthy clients keep exchanging
 * publishes. They must receive every one, the relay must survive, and its memory must stay
 * bounded during the run and come back after it.
 *
 * Replay a run with `SEED=<n> npx vitest run relay/src/relay.fuzz.test.ts`.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createRandom, type SeededRandom } from '@tandem/protocol/testing';
import { DEFAULT_LIMITS } from './limits.ts';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Frames the fuzz workers send in all, and the time they may take; whichever ends first. */
const MAX_FUZZ_FRAMES = Number(process.env.FUZZ_FRAMES ?? 6_000);
const MAX_FUZZ_MS = 10_000;
const WORKERS = 6;
const HEALTHY_TOPIC = 'healthy-topic';
const HEALTHY_INTERVAL_MS = 25;
const MiB = 1024 * 1024;
/** Memory the relay may keep after the run, all sockets closed, after a full collection. */
const MAX_HEAP_GROWTH_BYTES = 16 * MiB;
const MAX_RSS_GROWTH_BYTES = 64 * MiB;
/** Memory the relay may hold at any moment during the run (slow readers, big frames…). */
const MAX_RSS_PEAK_GROWTH_BYTES = 48 * MiB;
/** 900 KiB frames published to a reader that stopped reading: far over the high-water mark. */
const SLOW_READER_FRAMES = 64;

/** An integer in [min, max]. */
const between = (random: SeededRandom, min: number, max: number) => min + random.int(max - min + 1);
const coin = (random: SeededRandom) => random.next() < 0.5;
const word = (random: SeededRandom, min: number, max: number) =>
  Array.from({ length: between(random, min, max) }, () =>
    String.fromCharCode(97 + random.int(26)),
  ).join('');
/** Any UTF-16 code units, lone surrogates included. */
const utf16 = (random: SeededRandom, max: number) =>
  String.fromCharCode(...Array.from({ length: random.int(max + 1) }, () => random.int(0x10000)));

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  collected: boolean;
}

let child: ChildProcess;
let port: number;
let signalUrl: string;
let exited: { code: number | null; signal: string | null } | null = null;

function memory(): Promise<Memory> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'rss' in message) {
        child.off('message', onMessage);
        resolve(message as Memory);
      }
    };
    child.on('message', onMessage);
    child.send('memory');
  });
}

beforeAll(async () => {
  child = fork(fileURLToPath(new URL('./fuzz-relay-process.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', () => reject(new Error('relay process exited before listening')));
  });
  signalUrl = `ws://127.0.0.1:${port}/signal`;
});

afterAll(async () => {
  if (exited === null) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.send('stop');
    await gone;
  }
});

/** A client that follows the protocol: subscribes, publishes a counter, records the other's. */
class HealthyClient {
  readonly received = new Set<number>();
  sent = 0;
  closedWith: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  private constructor(
    readonly name: string,
    private readonly ws: WebSocket,
  ) {
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type?: string; data?: unknown };
      const data = message.data as { from?: string; n?: number } | undefined;
      if (message.type === 'publish' && typeof data?.n === 'number' && data.from !== name) {
        this.received.add(data.n);
      }
    });
    ws.on('close', (code) => {
      this.closedWith = code;
    });
  }

  static async open(name: string): Promise<HealthyClient> {
    const ws = new WebSocket(signalUrl);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    ws.send(JSON.stringify({ type: 'subscribe', topics: [HEALTHY_TOPIC] }));
    return new HealthyClient(name, ws);
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.ws.readyState !== WebSocket.OPEN) return;
      const data = { from: this.name, n: this.sent++ };
      this.ws.send(JSON.stringify({ type: 'publish', topic: HEALTHY_TOPIC, data }));
      if (this.sent % 40 === 0) this.ws.send('{"type":"ping"}');
    }, HEALTHY_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  close(): void {
    this.stop();
    this.ws.close();
  }
}

// ---------------------------------------------------------------------------------------
// Frame generators

const VALID_FRAMES = [
  '{"type":"subscribe","topics":["fz-a","fz-b"]}',
  '{"type":"unsubscribe","topics":["fz-a"]}',
  `{"type":"subscribe","topics":["${HEALTHY_TOPIC}"]}`,
  '{"type":"publish","topic":"fz-a","data":{"type":"announce","from":"x"}}',
  `{"type":"publish","topic":"${HEALTHY_TOPIC}","data":"fuzz"}`,
  '{"type":"publish","topic":"fz-b","data":"AAAA","to":"peer","clients":3}',
  '{"type":"ping"}',
  '{"type":"pong"}',
];

const BIG_FRAME_ENVELOPE = '{"type":"publish","topic":"","data":""}';
const FILLER = 'x'.repeat(DEFAULT_LIMITS.MAX_FRAME_BYTES + 4096);
/** A publish of `size` bytes of data, built without copying a big object through JSON. */
const bigFrame = (topic: string, size: number) =>
  `{"type":"publish","topic":"${topic}","data":"${FILLER.slice(0, size)}"}`;

const INTERESTING_BYTES = [0, 0x22, 0x2c, 0x3a, 0x5b, 0x5c, 0x7b, 0x7d, 0x7f, 0x80, 0xc0, 0xff];

/** A well-formed frame: a known one, or a publish/subscribe on random topics with random data. */
function validFrame(random: SeededRandom): string {
  const topic = () => (coin(random) ? HEALTHY_TOPIC : `fz-${random.int(50)}`);
  switch (random.int(4)) {
    case 0:
      return random.pick(VALID_FRAMES);
    case 1:
      return JSON.stringify({ type: 'subscribe', topics: [topic(), topic()] });
    case 2:
      return JSON.stringify({ type: 'unsubscribe', topics: [topic()] });
    default:
      return JSON.stringify({ type: 'publish', topic: topic(), data: randomJson(random) });
  }
}

/** A valid frame with a few bytes flipped, inserted, deleted or duplicated (maybe bad UTF-8). */
function mutatedFrame(random: SeededRandom): Buffer {
  const bytes = [...Buffer.from(random.pick(VALID_FRAMES))];
  for (let n = between(random, 1, 4); n > 0; n--) {
    const at = between(random, 0, bytes.length);
    const byte = coin(random) ? random.pick(INTERESTING_BYTES) : between(random, 0, 255);
    switch (between(random, 0, 3)) {
      case 0:
        bytes[at] = byte;
        break;
      case 1:
        bytes.splice(at, 0, byte);
        break;
      case 2:
        bytes.splice(at, between(random, 1, 8));
        break;
      default:
        bytes.splice(at, 0, ...bytes.slice(at, at + between(random, 1, 16)));
    }
  }
  return Buffer.from(bytes);
}

function randomJson(random: SeededRandom, depth = 0): unknown {
  const pick = between(random, 0, depth > 3 ? 4 : 7);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return coin(random);
    case 2:
      return random.pick([0, -1, 1.5, 1e308, 2 ** 53, between(random, -1e9, 1e9)]);
    case 3:
      return random.pick(['subscribe', 'unsubscribe', 'publish', 'ping', HEALTHY_TOPIC]);
    case 4:
      return utf16(random, between(random, 0, 40));
    case 5:
      return Array.from({ length: between(random, 0, 5) }, () => randomJson(random, depth + 1));
    default: {
      const keys = ['type', 'topic', 'topics', 'data', '__proto__', 'constructor', 'x'];
      const value: Record<string, unknown> = {};
      for (let n = between(random, 0, 4); n > 0; n--) {
        value[random.pick(keys)] = randomJson(random, depth + 1);
      }
      return value;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Fuzz patterns: each opens its own connection(s) and returns the frames it sent.

let framesSent = 0;
let peakRss = 0;
const sampleMemory = async () => {
  peakRss = Math.max(peakRss, (await memory()).rss);
};
const openSockets = new Set<WebSocket>();

async function openFuzzSocket(): Promise<WebSocket | null> {
  const ws = new WebSocket(signalUrl);
  ws.on('error', () => {});
  openSockets.add(ws);
  ws.on('close', () => openSockets.delete(ws));
  const opened = await new Promise<boolean>((resolve) => {
    ws.once('open', () => resolve(true));
    ws.once('close', () => resolve(false));
  });
  return opened ? ws : null;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function send(ws: WebSocket, frame: string | Buffer, binary = false): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  framesSent++;
  ws.send(frame, { binary });
}

/** Ends a fuzz connection one of three ways: politely, abruptly, or not yet. */
async function finish(random: SeededRandom, ws: WebSocket): Promise<void> {
  const how = between(random, 0, 2);
  if (how === 0) ws.close();
  else if (how === 1) ws.terminate();
  else await pause(between(random, 0, 50)).then(() => ws.terminate());
}

type Pattern = (random: SeededRandom) => Promise<void>;

const PATTERNS: Record<string, Pattern> = {
  async mutated(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    // Mostly well-formed, so the socket lives long enough for the mutants to be read.
    for (let n = between(random, 10, 80); n > 0; n--) {
      send(ws, random.next() < 0.85 ? validFrame(random) : mutatedFrame(random));
    }
    await finish(random, ws);
  },
  async randomJson(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    for (let n = between(random, 10, 80); n > 0; n--) {
      send(ws, JSON.stringify(randomJson(random)) ?? 'undefined');
    }
    await finish(random, ws);
  },
  async binary(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    for (let n = between(random, 1, 5); n > 0; n--) {
      send(ws, Buffer.from(random.bytes(between(random, 0, 4096))), true);
    }
    await finish(random, ws);
  },
  async bigFrames(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    const limit = DEFAULT_LIMITS.MAX_FRAME_BYTES;
    const within = between(random, 64 * 1024, limit - BIG_FRAME_ENVELOPE.length);
    const over = limit - BIG_FRAME_ENVELOPE.length + between(random, 1, 4096);
    for (const size of [within, coin(random) ? over : within]) send(ws, bigFrame('fz-big', size));
    await finish(random, ws);
  },
  async flood(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    const burst = DEFAULT_LIMITS.MAX_MESSAGES_PER_SECOND + between(random, 1, 100);
    for (let n = 0; n < burst; n++) send(ws, '{"type":"ping"}');
    await finish(random, ws);
  },
  async manyTopics(random) {
    const ws = await openFuzzSocket();
    if (!ws) return;
    const count = DEFAULT_LIMITS.MAX_TOPICS_PER_SOCKET + between(random, -2, 4);
    const topics = Array.from({ length: count }, (_, i) => `fz-${between(random, 0, 1e6)}-${i}`);
    send(ws, JSON.stringify({ type: 'subscribe', topics }));
    send(ws, JSON.stringify({ type: 'subscribe', topics: ['t'.repeat(300)] }));
    await finish(random, ws);
  },
  async slowReader(random) {
    // A subscriber that stops reading while big frames are published to its topic: the
    // relay must cut it at the high-water mark instead of buffering without end.
    const reader = await openFuzzSocket();
    const writer = await openFuzzSocket();
    if (!reader || !writer) return;
    const topic = `fz-slow-${between(random, 0, 1e9)}`;
    send(reader, JSON.stringify({ type: 'subscribe', topics: [topic] }));
    await pause(20);
    (reader as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = bigFrame(topic, 900 * 1024);
    for (let n = 0; n < SLOW_READER_FRAMES; n++) send(writer, frame);
    // Once the relay has read them all, what it holds for the reader is at its peak.
    const drainedBy = Date.now() + 6_000;
    while (
      writer.bufferedAmount > 0 &&
      writer.readyState === WebSocket.OPEN &&
      Date.now() < drainedBy
    )
      await pause(20);
    await pause(100);
    await sampleMemory();
    writer.terminate();
    reader.terminate();
  },
  async churn(random) {
    for (let n = between(random, 3, 12); n > 0; n--) {
      const ws = new WebSocket(signalUrl);
      ws.on('error', () => {});
      if (coin(random)) ws.terminate();
      else ws.once('open', () => (coin(random) ? ws.close() : ws.terminate()));
    }
    await pause(20);
  },
  async rawTcp(random) {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.on('connect', () => {
        framesSent++;
        const garbage = coin(random)
          ? Buffer.from(random.bytes(between(random, 1, 2048)))
          : Buffer.from(
              'GET /signal HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
                'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ' +
                word(random, 0, 30) +
                '\r\n\r\n' +
                word(random, 0, 100),
            );
        socket.end(garbage);
        setTimeout(() => socket.destroy(), 50);
      });
    });
  },
};

const PATTERN_NAMES = Object.keys(PATTERNS);

async function fuzzWorker(index: number, deadline: number, stats: Map<string, number>) {
  const random = createRandom(SEED + index);
  // Every run has one slow reader (worker 0 starts with it); more come at random.
  let first = index === 0;
  while (framesSent < MAX_FUZZ_FRAMES && Date.now() < deadline) {
    // Slow readers move megabytes: rarer than the rest.
    let name = first ? 'slowReader' : random.pick(PATTERN_NAMES);
    first = false;
    if (name === 'slowReader' && between(random, 0, 3) > 0) name = 'mutated';
    stats.set(name, (stats.get(name) ?? 0) + 1);
    await PATTERNS[name]!(random);
  }
}

it(`the relay survives seeded fuzzing while two clients keep syncing (SEED=${SEED})`, async () => {
  console.info(`relay fuzz seed: ${SEED} (replay with SEED=${SEED})`);
  const alice = await HealthyClient.open('alice');
  const bob = await HealthyClient.open('bob');
  alice.start();
  bob.start();
  await pause(300);
  const baseline = await memory();
  expect(baseline.collected).toBe(true);

  peakRss = baseline.rss;
  const sampler = setInterval(() => void sampleMemory(), 500);
  const stats = new Map<string, number>();
  const deadline = Date.now() + MAX_FUZZ_MS;
  try {
    await Promise.all(Array.from({ length: WORKERS }, (_, i) => fuzzWorker(i, deadline, stats)));
  } finally {
    clearInterval(sampler);
  }
  for (const ws of openSockets) ws.terminate();
  alice.stop();
  bob.stop();
  const deliveredBy = Date.now() + 5_000;
  while (
    (bob.received.size < alice.sent || alice.received.size < bob.sent) &&
    Date.now() < deliveredBy
  )
    await pause(20);

  console.info(
    `relay fuzz: ${framesSent} frames, patterns ${JSON.stringify(Object.fromEntries(stats))}, ` +
      `healthy publishes ${alice.sent}+${bob.sent}`,
  );
  expect(exited).toBeNull();
  const after = await memory();
  const growth = {
    heapUsed: after.heapUsed - baseline.heapUsed,
    rss: after.rss - baseline.rss,
    peakRss: peakRss - baseline.rss,
  };
  console.info(
    `relay memory (MiB): baseline rss ${(baseline.rss / MiB).toFixed(1)}, ` +
      `growth heap ${(growth.heapUsed / MiB).toFixed(1)}, rss ${(growth.rss / MiB).toFixed(1)}, ` +
      `peak rss ${(growth.peakRss / MiB).toFixed(1)}`,
  );
  expect(growth.peakRss).toBeLessThan(MAX_RSS_PEAK_GROWTH_BYTES);
  expect(growth.heapUsed).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  expect(growth.rss).toBeLessThan(MAX_RSS_GROWTH_BYTES);

  // Every healthy publish arrived, in spite of everything else the relay was handling.
  expect(alice.closedWith).toBeNull();
  expect(bob.closedWith).toBeNull();
  expect(alice.sent).toBeGreaterThan(50);
  expect(bob.received.size).toBe(alice.sent);
  expect(alice.received.size).toBe(bob.sent);

  // Still serving: a new client subscribes and gets a publish back.
  const late = await HealthyClient.open('late');
  const echo = new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (late.received.size > 0) {
        clearInterval(check);
        resolve();
      }
    }, 10);
  });
  alice.start();
  await echo;
  alice.close();
  bob.close();
  late.close();
}, 60_000);
