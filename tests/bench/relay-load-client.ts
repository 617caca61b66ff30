/**
 * One load process of the relay-redis bench (a child, driven over IPC): holds pairs of
 * WebSockets, each pair subscribed to its own topic, side A on one relay and side B on
 * another (or the same), and makes every socket "type" at a fixed rate. Both sides of a pair
 * live here, so a publish's delivery latency to the other side is read on one clock.
 *
 *   parent → child  {cmd:'connect', ...}  {cmd:'type', ...}  {cmd:'close'}
 *   child → parent  {event:'ready'}  {event:'connected'}  {event:'typed'}  {event:'closed'}
 */
import WebSocket from 'ws';
import { createHistogram, record } from './latency-histogram.ts';

export interface ConnectCommand {
  readonly cmd: 'connect';
  /** Relay signaling URLs for side A and side B. */
  readonly urls: readonly [string, string];
  readonly pairs: number;
  /** Topic names are `${topicPrefix}${pair}`. */
  readonly topicPrefix: string;
}

export interface TypeCommand {
  readonly cmd: 'type';
  /** Publishes per second per typing socket. */
  readonly rateHz: number;
  /** Share of this process's pairs that type (both sides); the others stay connected, idle. */
  readonly typingShare: number;
  readonly messageBytes: number;
  /** Deliveries of publishes sent in the first warmupMs are not counted. */
  readonly warmupMs: number;
  readonly durationMs: number;
}

export type LoadCommand = ConnectCommand | TypeCommand | { readonly cmd: 'close' };

export interface TypedReport {
  readonly event: 'typed';
  /** Publishes sent after the warm-up. */
  readonly sent: number;
  /** Publishes sent, warm-up included (for CPU cost per publish). */
  readonly sentTotal: number;
  /** Of those, delivered to the other side of the pair. */
  readonly delivered: number;
  readonly histogram: number[];
  /** Sockets still open at the end. */
  readonly open: number;
  /** Sockets the relay closed since the phase began, by close code. */
  readonly closedByCode: Readonly<Record<string, number>>;
  /** This process's CPU time during the measured part, ms. */
  readonly cpuMs: number;
  readonly measuredMs: number;
}

export type LoadEvent =
  | { readonly event: 'ready' }
  | { readonly event: 'connected'; readonly sockets: number }
  | TypedReport
  | { readonly event: 'closed' }
  | { readonly event: 'failed'; readonly message: string };

const CONNECT_BATCH = 100;
const TICK_MS = 10;
const MAX_BACKLOG_TICKS = 100;
const DRAIN_QUIET_MS = 500;
const DRAIN_MAX_MS = 10_000;
/** y-webrtc clients ping every 15 s; so do these, spread evenly. */
const PING_EVERY_MS = 15_000;
const DATA_MARKER = Buffer.from('"data":"');
const PIPE = 0x7c;

interface Peer {
  readonly ws: WebSocket;
  readonly side: 'a' | 'b';
  readonly topic: string;
}

const peers: Peer[] = [];
/** Close codes of sockets closed while connected (reset by each `type` command). */
let closedByCode: Record<string, number> = {};
let measuring: { fromMs: number; sent: number; delivered: number; histogram: number[] } | null =
  null;

const send = (event: LoadEvent): void => {
  process.send?.(event);
};

/** Reads `<side><sendTimeMs>|` at the start of `data` without parsing the frame. */
const onFrame = (peer: Peer, frame: Buffer): void => {
  const at = frame.indexOf(DATA_MARKER);
  if (at < 0 || measuring === null) return;
  const start = at + DATA_MARKER.length;
  if (frame[start] === peer.side.charCodeAt(0)) return; // our own echo
  const end = frame.indexOf(PIPE, start);
  const sentAtMs = Number(frame.toString('latin1', start + 1, end));
  if (sentAtMs < measuring.fromMs) return;
  measuring.delivered += 1;
  record(measuring.histogram, performance.now() - sentAtMs);
};

const open = (url: string, side: 'a' | 'b', topic: string): Promise<Peer> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    const peer: Peer = { ws, side, topic };
    ws.once('error', reject);
    // Later errors (a reset while typing) end in 'close'; the report counts open sockets.
    ws.on('error', () => {});
    let subscribed = false;
    // The bench closes its sockets by terminating them (1006) after the last phase.
    ws.on('close', (code: number) => {
      if (subscribed) closedByCode[code] = (closedByCode[code] ?? 0) + 1;
    });
    ws.on('message', (data: Buffer) => {
      if (subscribed) {
        onFrame(peer, data);
      } else if (data.includes('"pong"')) {
        // Subscriptions are applied in order: the pong means the subscribe is in.
        subscribed = true;
        resolve(peer);
      }
    });
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'subscribe', topics: [topic] }));
      ws.send('{"type":"ping"}');
    });
  });

const connect = async (command: ConnectCommand): Promise<void> => {
  const [urlA, urlB] = command.urls;
  for (let first = 0; first < command.pairs; first += CONNECT_BATCH / 2) {
    const batch: Promise<Peer>[] = [];
    for (let pair = first; pair < Math.min(command.pairs, first + CONNECT_BATCH / 2); pair += 1) {
      const topic = `${command.topicPrefix}${pair}`;
      batch.push(open(urlA, 'a', topic), open(urlB, 'b', topic));
    }
    peers.push(...(await Promise.all(batch)));
  }
  send({ event: 'connected', sockets: peers.length });
};

const frameOf = (peer: Peer, messageBytes: number, sentAtMs: number): string => {
  const head = `{"type":"publish","topic":"${peer.topic}","data":"${peer.side}${sentAtMs.toFixed(3)}|`;
  return `${head}${'x'.repeat(Math.max(0, messageBytes - head.length - 2))}"}`;
};

/** Every socket sends `rateHz` publishes a second, in evenly spread slots of TICK_MS. */
const type = async (command: TypeCommand): Promise<void> => {
  const slots = Math.max(1, Math.round(1000 / command.rateHz / TICK_MS));
  // Peers are stored pair by pair (side a, side b), so a prefix holds whole pairs.
  const typists = 2 * Math.round((peers.length / 2) * command.typingShare);
  const start = performance.now();
  measuring = {
    fromMs: start + command.warmupMs,
    sent: 0,
    delivered: 0,
    histogram: createHistogram(),
  };
  const current = measuring;
  closedByCode = {};
  let cpuAtMeasure: NodeJS.CpuUsage | undefined;
  let tick = 0;
  let sentTotal = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (cpuAtMeasure === undefined && now >= current.fromMs) cpuAtMeasure = process.cpuUsage();
      const due = Math.floor((now - start) / TICK_MS);
      // Catch up on ticks a busy event loop missed, so the rate holds; a backlog beyond
      // MAX_BACKLOG_TICKS is dropped instead (this process is starved, not typing faster).
      if (due - tick > MAX_BACKLOG_TICKS) tick = due - MAX_BACKLOG_TICKS;
      for (; tick < due; tick += 1) {
        for (let i = tick % slots; i < typists; i += slots) {
          const peer = peers[i];
          if (peer === undefined || peer.ws.readyState !== WebSocket.OPEN) continue;
          const sentAtMs = performance.now();
          peer.ws.send(frameOf(peer, command.messageBytes, sentAtMs));
          sentTotal += 1;
          if (sentAtMs >= current.fromMs) current.sent += 1;
        }
      }
      if (now - start >= command.warmupMs + command.durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  // Let the last publishes arrive: until nothing new came for DRAIN_QUIET_MS (bounded).
  const drainUntil = performance.now() + DRAIN_MAX_MS;
  for (let before = -1; before !== current.delivered && performance.now() < drainUntil;) {
    before = current.delivered;
    await new Promise((resolve) => setTimeout(resolve, DRAIN_QUIET_MS));
  }
  const cpu = process.cpuUsage(cpuAtMeasure);
  measuring = null;
  send({
    event: 'typed',
    sent: current.sent,
    sentTotal,
    delivered: current.delivered,
    histogram: current.histogram,
    open: peers.filter((peer) => peer.ws.readyState === WebSocket.OPEN).length,
    closedByCode,
    cpuMs: (cpu.user + cpu.system) / 1000,
    measuredMs: command.durationMs,
  });
};

const close = async (): Promise<void> => {
  await Promise.all(
    peers.splice(0).map(
      ({ ws }) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
  send({ event: 'closed' });
};

let pingCursor = 0;
const pinger = setInterval(() => {
  const count = Math.ceil((peers.length * 1000) / PING_EVERY_MS);
  for (let n = 0; n < count && peers.length > 0; n += 1) {
    const peer = peers[pingCursor++ % peers.length];
    if (peer?.ws.readyState === WebSocket.OPEN) peer.ws.send('{"type":"ping"}');
  }
}, 1000);

process.on('message', (command: LoadCommand) => {
  const run =
    command.cmd === 'connect' ? connect(command) : command.cmd === 'type' ? type(command) : close();
  run.catch((error: unknown) =>
    send({ event: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => {
  clearInterval(pinger);
  process.exit(0);
});
send({ event: 'ready' });
