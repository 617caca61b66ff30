/**
 * Relay load across two relay processes sharing topics through Redis, next to the
 * single-process relay in the same run. Loopback only; every relay, the redis-server and
 * the load processes are children of the bench and die with it.
 *
 * N pairs of peers hold 2N sockets, each pair on its own topic. With Redis, side A of each
 * pair is on relay 1 and side B on relay 2, so every delivery crosses Redis; single-process,
 * both sides are on the one relay. Typing sockets publish ~200-byte frames at 5/s (a
 * keystroke is a sync update plus an awareness update on the sealed path), in two phases on
 * the same sockets: one pair in five typing, then every socket typing. The client side runs
 * in separate load processes (relay-load-client.ts) so it never shares an event loop with a
 * relay. Printed: sockets held, publishes/s and deliveries/s, p50/p99/max delivery latency
 * (publish sent → frame read by the other side), relay RSS per socket idle and while typing,
 * CPU. Goals: 5,000 sockets, p99 ≤ 50 ms, ≤ 12 KiB per idle socket.
 */
import { startTestRedis, type TestRedis } from '@tandem/relay/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createHistogram, merge, percentileMs, type Histogram } from './latency-histogram.ts';
import type { LoadCommand, LoadEvent, TypedReport } from './relay-load-client.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('../../relay/src/main.ts', import.meta.url));
const LOAD_CLIENT = fileURLToPath(new URL('./relay-load-client.ts', import.meta.url));

/** BENCH_RELAY_PAIRS overrides the pair count for a quick run; the goal is stated for 2,500. */
const PAIRS = Number(process.env['BENCH_RELAY_PAIRS'] ?? 2_500);
const LOAD_PROCESSES = 2;
const RATE_HZ = 5;
/**
 * Typing phases, light first so the heavy one's backlog cannot leak into it. The brief's
 * load is everyone typing at once; a bilan's two parties mostly read and talk, so one pair
 * in five typing is nearer a real busy hour, on the same 5,000 sockets.
 */
const PHASES: readonly { readonly name: string; readonly typingShare: number }[] = [
  { name: '1 pair in 5 typing', typingShare: 0.2 },
  { name: 'every socket typing', typingShare: 1 },
];
const PAUSE_BETWEEN_PHASES_MS = 2_000;
const MESSAGE_BYTES = 200;
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const SETTLE_MS = 2_000;
const PHASE_TIMEOUT_MS = 60_000;
/** Each process needs a descriptor per socket; raised in the spawn shell when the hard limit allows. */
const OPEN_FILES = 65_536;
const GOAL_SOCKETS = 5_000;
const GOAL_P99_MS = 50;
const GOAL_IDLE_KIB = 12;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** `node <args>` through a shell that raises the open-files limit first. */
const spawnNode = (args: string[], env: Record<string, string>, ipc: boolean): ChildProcess => {
  const child = spawn(
    'sh',
    ['-c', `ulimit -n ${OPEN_FILES} 2>/dev/null; exec "$@"`, 'sh', process.execPath, ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])],
    },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};

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

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(3_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

interface Relay {
  readonly signalUrl: string;
  readonly child: ChildProcess;
  readonly pid: number;
}

const spawnRelay = async (env: Record<string, string>): Promise<Relay> => {
  const child = spawnNode(
    ['--import', 'tsx', RELAY_MAIN],
    { PORT: '0', HOST: '127.0.0.1', ...env },
    false,
  );
  const ready = env['REDIS_URL'] === undefined ? /listening on/ : /redis up/;
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      let output = '';
      child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${output}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match?.[1] && ready.test(output)) {
          resolve(match[1]);
          // From now on its log lines (redis up/down, shutdown) go to the bench's stderr.
          child.stdout?.removeAllListeners('data');
          child.stdout?.on('data', (more: Buffer) =>
            process.stderr.write(`[relay ${child.pid}] ${more.toString('utf8')}`),
          );
        }
      });
    }),
    'relay start',
  );
  if (child.pid === undefined) throw new Error('bench: relay has no pid');
  return { signalUrl: `${url.replace('http', 'ws')}/signal`, child, pid: child.pid };
};

interface Loader {
  readonly child: ChildProcess;
  readonly pid: number;
  request<E extends LoadEvent['event']>(
    command: LoadCommand,
    reply: E,
  ): Promise<Extract<LoadEvent, { event: E }>>;
}

const spawnLoader = async (): Promise<Loader> => {
  const child = spawnNode(['--import', 'tsx', LOAD_CLIENT], {}, true);
  child.stdout?.resume();
  const next = <E extends LoadEvent['event']>(event: E) =>
    withTimeout(
      new Promise<Extract<LoadEvent, { event: E }>>((resolve, reject) => {
        const onExit = (code: number | null) =>
          reject(new Error(`load process exited (${code}) waiting for ${event}`));
        const onMessage = (message: LoadEvent) => {
          if (message.event === 'failed') reject(new Error(`load process: ${message.message}`));
          else if (message.event === event) resolve(message as Extract<LoadEvent, { event: E }>);
          else return;
          child.off('message', onMessage);
          child.off('exit', onExit);
        };
        child.on('message', onMessage);
        child.once('exit', onExit);
      }),
      `load process ${event}`,
    );
  await next('ready');
  if (child.pid === undefined) throw new Error('bench: load process has no pid');
  return {
    child,
    pid: child.pid,
    request(command, reply) {
      const answer = next(reply);
      child.send(command);
      return answer;
    },
  };
};

/** User + system CPU time of a process so far, in ms. */
const cpuMs = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

/** Resident memory of a live process, in KiB; NaN once it has exited. */
const rssKiB = (pid: number): number => {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return Number.NaN;
  }
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? Number.NaN);
};

const checkAlive = (relays: readonly Relay[], when: string): void => {
  for (const { child } of relays) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`bench: a relay exited ${when} (${child.exitCode ?? child.signalCode})`);
    }
  }
};

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Runs each relay's connect/subscribe/publish paths once, so the RSS baseline includes them. */
const warmUp = async (relays: readonly Relay[]): Promise<void> => {
  for (const relay of relays) {
    const sockets = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(relay.signalUrl);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    for (const [i, ws] of sockets.entries()) {
      ws.send(JSON.stringify({ type: 'subscribe', topics: [`warm-${i}`] }));
      ws.send(JSON.stringify({ type: 'publish', topic: `warm-${i}`, data: 'x'.repeat(150) }));
    }
    await sleep(200);
    for (const ws of sockets) ws.terminate();
  }
  await sleep(1_000);
};

interface Figures {
  readonly label: string;
  readonly sockets: number;
  readonly open: number;
  readonly publishesPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** Sent after the warm-up and not read by the other side within the drain time. */
  readonly undelivered: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly idleKiB: number;
  readonly activeKiB: number;
  /** Summed over relay processes: 100 = one core. */
  readonly relayCpuPercent: number;
  readonly redisCpuPercent: number;
  /** CPU time per publish (its deliveries included), less sensitive than latency to a busy machine. */
  readonly relayCpuUsPerPublish: number;
  readonly redisCpuUsPerPublish: number;
  readonly clientCpuPercent: number;
}

/** Connects every pair, measures idle memory, then runs each typing phase on those sockets. */
const measure = async (
  setup: string,
  relays: readonly Relay[],
  loaders: readonly Loader[],
  redis?: TestRedis,
): Promise<Figures[]> => {
  const pids = relays.map((relay) => relay.pid);
  await warmUp(relays);
  const baselineKiB = sum(pids.map(rssKiB));
  const urls: [string, string] = [relays[0]!.signalUrl, relays[relays.length - 1]!.signalUrl];
  const perLoader = Math.ceil(PAIRS / loaders.length);
  const connected = await Promise.all(
    loaders.map((loader, index) =>
      loader.request(
        {
          cmd: 'connect',
          urls,
          pairs: Math.min(perLoader, PAIRS - index * perLoader),
          topicPrefix: `${setup.replace(/\W+/g, '-')}-${index}-`,
        },
        'connected',
      ),
    ),
  );
  const sockets = sum(connected.map((reply) => reply.sockets));
  checkAlive(relays, 'while sockets connected');
  await sleep(SETTLE_MS);
  const idleKiB = (sum(pids.map(rssKiB)) - baselineKiB) / sockets;

  const figures: Figures[] = [];
  for (const phase of PHASES) {
    const redisPid = redis?.pid;
    const cpuBefore = { relays: sum(pids.map(cpuMs)), redis: redisPid ? cpuMs(redisPid) : 0 };
    const startedAt = performance.now();
    let peakKiB = 0;
    const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, sum(pids.map(rssKiB)))), 1_000);
    const typed: TypedReport[] = await Promise.all(
      loaders.map((loader) =>
        loader.request(
          {
            cmd: 'type',
            rateHz: RATE_HZ,
            typingShare: phase.typingShare,
            messageBytes: MESSAGE_BYTES,
            warmupMs: WARMUP_MS,
            durationMs: MEASURE_MS,
          },
          'typed',
        ),
      ),
    );
    clearInterval(sampler);
    checkAlive(relays, `while ${phase.name}`);
    const wallMs = performance.now() - startedAt;
    const relayCpuMs = sum(pids.map(cpuMs)) - cpuBefore.relays;
    const redisCpuMs = redisPid ? cpuMs(redisPid) - cpuBefore.redis : 0;
    const sentTotal = sum(typed.map((report) => report.sentTotal));
    const histogram: Histogram = createHistogram();
    for (const report of typed) merge(histogram, report.histogram);
    const sent = sum(typed.map((report) => report.sent));
    const delivered = sum(typed.map((report) => report.delivered));
    figures.push({
      label: `${setup}, ${phase.name}`,
      sockets,
      open: sum(typed.map((report) => report.open)),
      publishesPerSecond: (sent / MEASURE_MS) * 1000,
      deliveriesPerSecond: (delivered / MEASURE_MS) * 1000,
      undelivered: sent - delivered,
      p50Ms: percentileMs(histogram, 50),
      p99Ms: percentileMs(histogram, 99),
      maxMs: percentileMs(histogram, 100),
      idleKiB,
      activeKiB: (peakKiB - baselineKiB) / sockets,
      relayCpuPercent: (relayCpuMs / wallMs) * 100,
      redisCpuPercent: (redisCpuMs / wallMs) * 100,
      relayCpuUsPerPublish: (relayCpuMs * 1000) / sentTotal,
      redisCpuUsPerPublish: (redisCpuMs * 1000) / sentTotal,
      clientCpuPercent: sum(typed.map((report) => (report.cpuMs / report.measuredMs) * 100)),
    });
    await sleep(PAUSE_BETWEEN_PHASES_MS);
  }
  await Promise.all(loaders.map((loader) => loader.request({ cmd: 'close' }, 'closed')));
  return figures;
};

const printTable = (header: string[], rows: string[][]): void => {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  console.info(line(header));
  for (const cells of rows) console.info(line(cells));
};

export async function run(): Promise<void> {
  if (process.platform !== 'linux') {
    console.info('relay-redis: needs /proc for RSS and CPU; skipped on', process.platform);
    return;
  }
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const redis = await startTestRedis();
  const loaders = await Promise.all(Array.from({ length: LOAD_PROCESSES }, spawnLoader));
  const results: Figures[] = [];
  try {
    const single = [await spawnRelay({})];
    try {
      results.push(...(await measure('1 relay', single, loaders)));
    } finally {
      await Promise.all(single.map((relay) => stop(relay.child)));
    }
    const shared = await Promise.all([0, 1].map(() => spawnRelay({ REDIS_URL: redis.url })));
    try {
      results.push(...(await measure('2 relays via Redis', shared, loaders, redis)));
    } finally {
      await Promise.all(shared.map((relay) => stop(relay.child)));
    }
    const keys = await redis.command('DBSIZE');
    if (keys !== 0) throw new Error(`bench: Redis holds ${String(keys)} keys; expected none`);
  } finally {
    for (const loader of loaders) loader.child.disconnect();
    await Promise.all(loaders.map((loader) => stop(loader.child)));
    await redis.stop();
  }

  console.info(
    `relay load: ${PAIRS} pairs (${PAIRS * 2} sockets, one topic per pair), each typing ` +
      `socket ${RATE_HZ} publishes/s of ${MESSAGE_BYTES} B; per phase ` +
      `${MEASURE_MS / 1000} s measured after ` +
      `${WARMUP_MS / 1000} s warm-up; clients in ${LOAD_PROCESSES} load processes; latency = ` +
      `publish sent → read by the other side of the pair; 1-min load average ` +
      `${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(1)} after ` +
      `(other work on the machine skews latency)`,
  );
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  printTable(
    [
      'setup',
      'sockets',
      'open at end',
      'publishes/s',
      'deliveries/s',
      'undelivered',
      'p50 ms',
      'p99 ms',
      'max ms',
      'idle KiB/socket',
      'active KiB/socket',
      'relay CPU %',
      'redis CPU %',
      'relay CPU µs/publish',
      'redis CPU µs/publish',
      'client CPU %',
    ],
    results.map((r) => [
      r.label,
      String(r.sockets),
      String(r.open),
      String(Math.round(r.publishesPerSecond)),
      String(Math.round(r.deliveriesPerSecond)),
      String(r.undelivered),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.maxMs, 0),
      fixed(r.idleKiB, 2),
      fixed(r.activeKiB, 2),
      fixed(r.relayCpuPercent),
      fixed(r.redisCpuPercent),
      fixed(r.relayCpuUsPerPublish),
      fixed(r.redisCpuUsPerPublish),
      fixed(r.clientCpuPercent),
    ]),
  );
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  for (const phase of PHASES) {
    const single = results.find((r) => r.label === `1 relay, ${phase.name}`);
    const shared = results.find((r) => r.label === `2 relays via Redis, ${phase.name}`);
    if (single === undefined || shared === undefined) continue;
    console.info(
      `${phase.name}: 2 relays via Redis / 1 relay: p50 ${fixed(shared.p50Ms / single.p50Ms, 2)}×, ` +
        `p99 ${fixed(shared.p99Ms / single.p99Ms, 2)}×, relay CPU per publish ` +
        `${fixed(shared.relayCpuUsPerPublish / single.relayCpuUsPerPublish, 2)}× ` +
        `(+ redis ${fixed(shared.redisCpuUsPerPublish, 1)} µs/publish); goals: ` +
        `${shared.open} sockets held (≥ ${GOAL_SOCKETS}: ${verdict(shared.open >= GOAL_SOCKETS)}), ` +
        `p99 ${fixed(shared.p99Ms, 2)} ms (≤ ${GOAL_P99_MS}: ${verdict(shared.p99Ms <= GOAL_P99_MS)}), ` +
        `idle ${fixed(shared.idleKiB, 2)} KiB/socket (≤ ${GOAL_IDLE_KIB}: ` +
        `${verdict(shared.idleKiB <= GOAL_IDLE_KIB)})`,
    );
  }
}
