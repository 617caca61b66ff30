/**
 * Relay fan-out: our relay next to the stock y-webrtc signaling server
 * (`y-webrtc/bin/server.js`), each in its own child process on a free loopback port, driven
 * by the same clients in the same run.
 *
 * Throughput and latency: one topic, 1 publisher → 9 subscribers, ~200-byte publishes, a
 * fixed count with a bounded in-flight window (a publish is in flight until all 9
 * subscribers have it). Rounds alternate between the servers; each figure is the median
 * round. Idle memory: RSS growth of a fresh server process with 2,000 idle sockets, each
 * subscribed to its own topic. Goals: ours ≥ 1.5× the stock throughput with p99 no worse,
 * and ≤ 12 KiB per idle socket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { freePort } from '@tandem/relay/testing';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELAY_MAIN = join(ROOT, 'relay', 'src', 'main.ts');
const STOCK_SERVER = join(
  dirname(createRequire(import.meta.url).resolve('y-webrtc')),
  '..',
  'bin',
  'server.js',
);

const SUBSCRIBERS = 9;
const MESSAGES_PER_ROUND = 20_000;
const WARMUP_MESSAGES = 3_000;
const ROUNDS = 5;
const WINDOW_MESSAGES = 64;
const MESSAGE_BYTES = 200;
const IDLE_SOCKETS = 2_000;
const CONNECT_BATCH = 100;
const PHASE_TIMEOUT_MS = 60_000;
const TOPIC = 'bench-topic';

interface Server {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
}

type ServerKind = 'stock' | 'tandem';
const LABEL: Record<ServerKind, string> = { stock: 'stock y-webrtc', tandem: 'tandem relay' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const withTimeout = async <T>(promise: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: timed out: ${what}`)), PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

/** Spawns a server and waits for the line that says it listens; `url` is derived from it. */
const spawnServer = async (kind: ServerKind): Promise<Server> => {
  const port = await freePort();
  const [args, env, ready] =
    kind === 'stock'
      ? [[STOCK_SERVER], { PORT: String(port) }, /Signaling server running/]
      : [
          ['--import', 'tsx', RELAY_MAIN],
          // The rate limit protects real clients; the bench publisher is deliberately a flood.
          { PORT: String(port), HOST: '127.0.0.1', RELAY_MAX_MESSAGES_PER_SECOND: '1000000' },
          /listening on/,
        ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        if (ready.test(chunk.toString())) resolve();
      });
    }),
    `${kind} server start`,
  );
  const path = kind === 'stock' ? '' : '/signal';
  return { name: LABEL[kind], url: `ws://127.0.0.1:${port}${path}`, child };
};

const stopServer = async (server: Server): Promise<void> => {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await Promise.race([exited, sleep(3_000)]);
  if (server.child.exitCode === null && server.child.signalCode === null)
    server.child.kill('SIGKILL');
};

const connect = (url: string): Promise<WebSocket> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });

/** Sends `frames`, then a ping, and resolves on the pong: everything before it is applied. */
const sendAndSync = (ws: WebSocket, ...frames: string[]): Promise<void> =>
  new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      if (data.includes('"pong"')) {
        ws.off('message', onMessage);
        resolve();
      }
    };
    ws.on('message', onMessage);
    for (const frame of frames) ws.send(frame);
    ws.send('{"type":"ping"}');
  });

const closeAll = async (sockets: WebSocket[]): Promise<void> => {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.terminate();
        }),
    ),
  );
};

/** A ~200-byte publish, shaped like y-webrtc's (base64 ciphertext in `data`). */
const publishFrames = (count: number): Buffer[] => {
  const frames: Buffer[] = [];
  for (let seq = 0; seq < count; seq += 1) {
    const head = `{"type":"publish","topic":"${TOPIC}","seq":${seq},"data":"`;
    const padding = 'A'.repeat(Math.max(0, MESSAGE_BYTES - head.length - 2));
    frames.push(Buffer.from(`${head}${padding}"}`));
  }
  return frames;
};

const SEQ_MARKER = Buffer.from('"seq":');

/** Reads the publish number without parsing the whole frame: the client must stay cheap. */
const readSeq = (data: Buffer): number => {
  let index = data.indexOf(SEQ_MARKER) + SEQ_MARKER.length;
  let seq = 0;
  for (
    let byte = data[index];
    byte !== undefined && byte >= 48 && byte <= 57;
    byte = data[++index]
  ) {
    seq = seq * 10 + (byte - 48);
  }
  return seq;
};

/** User + system CPU time of a process so far, in ms (Linux clock ticks are 10 ms). */
const cpuMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const rssKiB = (pid: number): number => {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error('bench: cannot read the server RSS');
  return Number(match[1]);
};

interface RoundResult {
  readonly deliveriesPerSecond: number;
  /** Server CPU time per delivery: less sensitive than wall time to a busy machine. */
  readonly serverCpuUsPerDelivery: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const percentile = (sorted: Float64Array, fraction: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;

/** Publishes `frames` through a window and times every delivery to every subscriber. */
const runRound = async (server: Server, frames: Buffer[]): Promise<RoundResult> => {
  const { url, child } = server;
  const subscribers = await Promise.all(Array.from({ length: SUBSCRIBERS }, () => connect(url)));
  const publisher = await connect(url);
  try {
    const subscribe = JSON.stringify({ type: 'subscribe', topics: [TOPIC] });
    await Promise.all(subscribers.map((ws) => sendAndSync(ws, subscribe)));

    const total = frames.length;
    const sentAt = new Float64Array(total);
    const latencies = new Float64Array(total * SUBSCRIBERS);
    const delivered = new Uint32Array(SUBSCRIBERS);
    let latencyCount = 0;
    let sent = 0;
    let allDelivered = 0;
    const pump = () => {
      while (sent < total && sent - allDelivered < WINDOW_MESSAGES) {
        sentAt[sent] = performance.now();
        publisher.send(frames[sent] as Buffer, { binary: false });
        sent += 1;
      }
    };
    const cpuBefore = cpuMs(child.pid ?? 0);
    const start = performance.now();
    let end = start;
    await withTimeout(
      new Promise<void>((resolve) => {
        subscribers.forEach((ws, index) => {
          ws.on('message', (data: Buffer) => {
            const now = performance.now();
            latencies[latencyCount++] = now - (sentAt[readSeq(data)] ?? now);
            delivered[index] = (delivered[index] ?? 0) + 1;
            let minimum = total;
            for (const count of delivered) minimum = Math.min(minimum, count);
            if (minimum > allDelivered) {
              allDelivered = minimum;
              if (allDelivered === total) {
                end = now;
                resolve();
              } else {
                pump();
              }
            }
          });
        });
        pump();
      }),
      'fan-out round',
    );
    const serverCpuMs = cpuMs(child.pid ?? 0) - cpuBefore;
    const sorted = latencies.slice(0, latencyCount).sort();
    return {
      deliveriesPerSecond: (latencyCount / (end - start)) * 1000,
      serverCpuUsPerDelivery: (serverCpuMs * 1000) / latencyCount,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
    };
  } finally {
    await closeAll([...subscribers, publisher]);
  }
};

/** RSS growth of a fresh server per idle socket subscribed to one topic, in KiB. */
const idleMemoryPerSocketKiB = async (kind: ServerKind): Promise<number> => {
  const server = await spawnServer(kind);
  const sockets: WebSocket[] = [];
  try {
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('bench: server has no pid');
    // Warm the server's code paths so the baseline already includes them.
    const warm = await Promise.all(Array.from({ length: 50 }, () => connect(server.url)));
    await Promise.all(
      warm.map((ws, i) => sendAndSync(ws, `{"type":"subscribe","topics":["w${i}"]}`)),
    );
    await closeAll(warm);
    await sleep(1_000);
    const before = rssKiB(pid);
    for (let first = 0; first < IDLE_SOCKETS; first += CONNECT_BATCH) {
      const batch = await Promise.all(
        Array.from({ length: CONNECT_BATCH }, () => connect(server.url)),
      );
      await Promise.all(
        batch.map((ws, i) =>
          sendAndSync(ws, JSON.stringify({ type: 'subscribe', topics: [`idle-${first + i}`] })),
        ),
      );
      sockets.push(...batch);
    }
    await sleep(1_000);
    return (rssKiB(pid) - before) / IDLE_SOCKETS;
  } finally {
    await closeAll(sockets);
    await stopServer(server);
  }
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const fixed = (value: number, digits: number) => value.toFixed(digits);

const printTable = (header: string[], rows: string[][]): void => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        (column === 0 ? cell.padEnd : cell.padStart).call(cell, widths[column] ?? 0),
      )
      .join('  ');
  console.info(line(header));
  for (const cells of rows) console.info(line(cells));
};

export async function run(): Promise<void> {
  if (process.platform !== 'linux') {
    console.info('relay-fanout: needs /proc for RSS; skipped on', process.platform);
    return;
  }
  const frames = publishFrames(MESSAGES_PER_ROUND);
  const kinds: ServerKind[] = ['stock', 'tandem'];
  const servers = new Map<ServerKind, Server>();
  const rounds = new Map<ServerKind, RoundResult[]>(kinds.map((kind) => [kind, []]));
  try {
    for (const kind of kinds) servers.set(kind, await spawnServer(kind));
    for (const server of servers.values()) await runRound(server, frames.slice(0, WARMUP_MESSAGES));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const kind of kinds) {
        const server = servers.get(kind);
        if (server) rounds.get(kind)?.push(await runRound(server, frames));
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(stopServer));
  }
  const memory = new Map<ServerKind, number>();
  for (const kind of kinds) memory.set(kind, await idleMemoryPerSocketKiB(kind));

  const summary = (kind: ServerKind) => {
    const results = rounds.get(kind) ?? [];
    return {
      deliveriesPerSecond: median(results.map((r) => r.deliveriesPerSecond)),
      serverCpuUsPerDelivery: median(results.map((r) => r.serverCpuUsPerDelivery)),
      p50Ms: median(results.map((r) => r.p50Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      idleKiB: memory.get(kind) ?? Number.NaN,
    };
  };
  const stock = summary('stock');
  const tandem = summary('tandem');
  console.info(
    `relay fan-out: 1 publisher → ${SUBSCRIBERS} subscribers on 1 topic, ` +
      `${MESSAGES_PER_ROUND} × ${MESSAGE_BYTES} B publishes, window ${WINDOW_MESSAGES}, ` +
      `median of ${ROUNDS} alternating rounds; idle: ${IDLE_SOCKETS} sockets`,
  );
  const columns = [
    'deliveries/s',
    'publishes/s',
    'p50 ms',
    'p99 ms',
    'server CPU µs/delivery',
    'idle KiB/socket',
  ];
  const row = (label: string, figures: ReturnType<typeof summary>) => [
    label,
    String(Math.round(figures.deliveriesPerSecond)),
    String(Math.round(figures.deliveriesPerSecond / SUBSCRIBERS)),
    fixed(figures.p50Ms, 2),
    fixed(figures.p99Ms, 2),
    fixed(figures.serverCpuUsPerDelivery, 2),
    fixed(figures.idleKiB, 2),
  ];
  printTable(['server', ...columns], [row(LABEL.stock, stock), row(LABEL.tandem, tandem)]);
  const throughputRatio = tandem.deliveriesPerSecond / stock.deliveriesPerSecond;
  const p99Ratio = tandem.p99Ms / stock.p99Ms;
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.info(
    `tandem/stock: throughput ${fixed(throughputRatio, 2)}× (goal ≥ 1.5×: ${verdict(throughputRatio >= 1.5)}), ` +
      `server CPU per delivery ${fixed(tandem.serverCpuUsPerDelivery / stock.serverCpuUsPerDelivery, 2)}×, ` +
      `p50 ${fixed(tandem.p50Ms / stock.p50Ms, 2)}×, p99 ${fixed(p99Ratio, 2)}× (goal ≤ 1×: ${verdict(p99Ratio <= 1)}), ` +
      `idle ${fixed(tandem.idleKiB, 2)} KiB/socket (goal ≤ 12: ${verdict(tandem.idleKiB <= 12)})`,
  );
}
