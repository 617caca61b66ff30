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
 * relay. Printed: sockets held (and closed by the relay, by close code), publishes/s and
 * deliveries/s, p50/p99/max delivery latency (publish sent → frame read by the other side),
 * each relay's responsiveness (ping → pong from the bench process), CPU of every process
 * involved and of the rest of the machine (the load processes share the cores with the
 * relays), memory per socket after GC, the channels Redis holds and its memory, Redis's
 * largest subscriber output buffer and the subscribers it dropped, and how often the relays
 * paused their sockets because one of them was behind on Redis. Goals: 5,000 sockets,
 * p99 ≤ 50 ms, ≤ 12 KiB per idle socket. The 2 relays use a channel per topic (the
 * default); BENCH_RELAY_SETUPS=single,redis,redis-shards adds them on REDIS_SHARDS=1.
 * The machine is shared: compare the setups within one run (the ratios printed), and read
 * "others %" before trusting a latency figure.
 */
import { startTestRedis, type TestRedis } from '@tandem/relay/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import {
  createHistogram,
  merge,
  percentileMs,
  record,
  type Histogram,
} from './latency-histogram.ts';
import type { LoadCommand, LoadEvent, TypedReport } from './relay-load-client.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RELAY_MAIN = fileURLToPath(new URL('../../relay/src/main.ts', import.meta.url));
const LOAD_CLIENT = fileURLToPath(new URL('./relay-load-client.ts', import.meta.url));
const MEMORY_HOOK = fileURLToPath(new URL('./relay-memory-hook.ts', import.meta.url));

/** BENCH_RELAY_PAIRS overrides the pair count for a quick run; the goal is stated for 2,500. */
const PAIRS = Number(process.env['BENCH_RELAY_PAIRS'] ?? 2_500);
const LOAD_PROCESSES = 2;
const RATE_HZ = 5;
/**
 * Typing phases, light first so the heavy one's backlog cannot leak into it. The brief's
 * load is everyone typing at once; a bilan's two parties mostly read and talk, so one pair
 * in five typing is nearer a real busy hour, on the same 5,000 sockets.
 */
const ALL_PHASES: readonly { readonly name: string; readonly typingShare: number }[] = [
  { name: '1 pair in 5 typing', typingShare: 0.2 },
  { name: 'every socket typing', typingShare: 1 },
];
/** For investigations: `light`, `heavy` or both (the default). */
const PHASES = ALL_PHASES.filter((_phase, index) =>
  (process.env['BENCH_RELAY_PHASES'] ?? 'light,heavy')
    .split(',')
    .includes(['light', 'heavy'][index]!),
);
const PAUSE_BETWEEN_PHASES_MS = 2_000;
const MESSAGE_BYTES = 200;
const WARMUP_MS = 3_000;
const MEASURE_MS = 15_000;
const SETTLE_MS = 2_000;
const PHASE_TIMEOUT_MS = 60_000;
/** The bench pings each relay this often on a socket of its own: the relay's responsiveness. */
const PROBE_INTERVAL_MS = 50;
/** Redis's subscriber output buffers are read this often during a phase. */
const REDIS_SAMPLE_MS = 500;
/** Each process needs a descriptor per socket; raised in the spawn shell when the hard limit allows. */
const OPEN_FILES = 65_536;
const GOAL_SOCKETS = 5_000;
const GOAL_P99_MS = 50;
const GOAL_IDLE_KIB = 12;
/** For investigations: extra `redis-server` arguments (e.g. a larger output-buffer limit). */
const REDIS_ARGS = (process.env['BENCH_REDIS_ARGS'] ?? '').split(' ').filter(Boolean);
/** For investigations: extra node flags for the relay processes (e.g. `--cpu-prof`). */
const RELAY_NODE_ARGS = (process.env['BENCH_RELAY_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
/**
 * Which setups run, in this order: `single` and `redis` (a channel per topic, the default
 * layout) by default (the comparison needs both). `redis-shards` runs the 2 relays with
 * REDIS_SHARDS=BENCH_REDIS_SHARDS (default 1: every topic on one shared channel), the
 * opt-in layout. For investigations, two more take the 2-relay cost apart: `redis-local`
 * (2 relays with Redis, but both sides of each pair on the same relay: every frame is
 * published to Redis and echoed back, none is delivered across; `redis-shards-local` the
 * same on REDIS_SHARDS, where each relay also reads the other's frames) and `split` (2
 * relays without Redis, each pair on one relay: only the cost of two processes instead of
 * one).
 */
const SETUPS = (process.env['BENCH_RELAY_SETUPS'] ?? 'single,redis').split(',');
const SHARDS = process.env['BENCH_REDIS_SHARDS'] ?? '1';
/** The 2-relay setups whose goals are checked (every frame crosses Redis). */
const CROSSING_SETUPS = ['2 relays via Redis', `2 relays via Redis, REDIS_SHARDS=${SHARDS}`];

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
      stdio: ['ignore', 'pipe', ipc ? 'inherit' : 'pipe', ...(ipc ? (['ipc'] as const) : [])],
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

interface MemoryAfterGc {
  readonly heapUsed: number;
  readonly rss: number;
}

interface Relay {
  readonly signalUrl: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Full GC in the relay (see relay-memory-hook.ts), then its heap and RSS in bytes. */
  memoryAfterGc(): Promise<MemoryAfterGc>;
  /** `relay: redis down` lines logged so far. */
  readonly redisDownEvents: number;
  /** Times so far the relay paused its sockets, behind on Redis itself or held by another. */
  pauses(): Promise<{ behind: number; held: number }>;
}

/** Calls `onLine` for each complete line of `stream`. */
const onLines = (stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void => {
  let partial = '';
  stream?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
};

const spawnRelay = async (env: Record<string, string>): Promise<Relay> => {
  const child = spawnNode(
    [
      ...RELAY_NODE_ARGS,
      '--expose-gc',
      ...['--import', 'tsx', '--import', MEMORY_HOOK],
      RELAY_MAIN,
    ],
    { PORT: '0', HOST: '127.0.0.1', ...env },
    false,
  );
  const ready = env['REDIS_URL'] === undefined ? /listening on/ : /redis up/;
  let output = '';
  let started = false;
  let redisDownEvents = 0;
  const memoryWaiters: ((memory: MemoryAfterGc) => void)[] = [];
  const forward = (line: string) => process.stderr.write(`[relay ${child.pid}] ${line}\n`);
  onLines(child.stderr, (line) => {
    if (/redis down/.test(line)) redisDownEvents += 1;
    forward(line);
  });
  const url = await withTimeout(
    new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${output}`)));
      onLines(child.stdout, (line) => {
        if (line.startsWith('bench-memory ')) {
          memoryWaiters.shift()?.(JSON.parse(line.slice('bench-memory '.length)) as MemoryAfterGc);
        } else if (started) {
          // From now on its log lines (redis up/down, shutdown) go to the bench's stderr.
          forward(line);
        } else {
          output += `${line}\n`;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1] && ready.test(output)) {
            started = true;
            resolve(match[1]);
          }
        }
      });
    }),
    'relay start',
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error('bench: relay has no pid');
  return {
    signalUrl: `${url.replace('http', 'ws')}/signal`,
    child,
    pid,
    memoryAfterGc: () =>
      withTimeout(
        new Promise<MemoryAfterGc>((resolve) => {
          memoryWaiters.push(resolve);
          process.kill(pid, 'SIGUSR2');
        }),
        'relay memory',
      ),
    get redisDownEvents() {
      return redisDownEvents;
    },
    async pauses() {
      const health = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
      return {
        behind: Number(health['redisPauses'] ?? 0),
        held: Number(health['redisHolds'] ?? 0),
      };
    },
  };
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

/** CPU time of the whole machine so far, in ms: busy (everything but idle and iowait) and total. */
const machineCpuMs = (): { busy: number; total: number } => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/);
  const ticks = fields.slice(1, 9).map(Number);
  const total = sum(ticks);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) * 10, total: total * 10 };
};

/** Pings a relay on a socket of its own every PROBE_INTERVAL_MS; records ping → pong times. */
const probeRelay = async (relay: Relay) => {
  const ws = new WebSocket(relay.signalUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  ws.on('error', () => {});
  let histogram: Histogram | null = null;
  let sentAt: number | undefined;
  ws.on('message', () => {
    if (sentAt !== undefined && histogram !== null) record(histogram, performance.now() - sentAt);
    sentAt = undefined;
  });
  const timer = setInterval(() => {
    // One ping in flight: a relay that stalls shows as one long sample, not a queue.
    if (sentAt !== undefined || ws.readyState !== WebSocket.OPEN) return;
    sentAt = performance.now();
    ws.send('{"type":"ping"}');
  }, PROBE_INTERVAL_MS);
  return {
    start: () => (histogram = createHistogram()),
    stop: (): Histogram => {
      const result = histogram ?? createHistogram();
      histogram = null;
      return result;
    },
    close: () => {
      clearInterval(timer);
      ws.terminate();
    },
  };
};

/** Samples the output buffers Redis holds for subscribers (bytes not yet read by a relay). */
const sampleRedis = (redis: TestRedis) => {
  let maxOutputBytes = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    redis
      .command('CLIENT', 'LIST', 'TYPE', 'pubsub')
      .then((list) => {
        for (const match of String(list).matchAll(/\bomem=(\d+)/g)) {
          maxOutputBytes = Math.max(maxOutputBytes, Number(match[1]));
        }
      })
      .catch(() => {})
      .finally(() => (busy = false));
  }, REDIS_SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return maxOutputBytes;
    },
  };
};

/** Channels subscribed in Redis, and the memory it uses. */
const redisFootprint = async (redis: TestRedis) => {
  const channels = await redis.command('PUBSUB', 'CHANNELS');
  const info = String(await redis.command('INFO', 'memory'));
  return {
    channels: Array.isArray(channels) ? channels.length : Number.NaN,
    usedKiB: Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN) / 1024,
  };
};

/** Redis's own log line when it drops a client for its output-buffer limit. */
const OUTPUT_LIMIT_LOG = /output buffer limits/;

interface Figures {
  readonly label: string;
  readonly setup: string;
  readonly phase: string;
  readonly sockets: number;
  readonly open: number;
  /** Sockets the relays closed during the phase, by close code. */
  readonly closedByCode: Readonly<Record<string, number>>;
  readonly publishesPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** Sent after the warm-up and not read by the other side within the drain time. */
  readonly undelivered: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Ping → pong from the bench process, worst relay: how long a relay takes to serve a frame. */
  readonly probeP99Ms: number;
  /** RSS and JS heap growth per socket, both after a full GC, before any typing. */
  readonly idleKiB: number;
  readonly heapKiB: number;
  /** Peak RSS while typing (not after GC) over the idle baseline. */
  readonly activeKiB: number;
  /** CPU in % of one core over the phase (the machine has `cores` of them). */
  readonly relayCpuPercent: readonly number[];
  readonly redisCpuPercent: number;
  readonly clientCpuPercent: number;
  /** Everything else on the machine (other people's work, the bench process itself). */
  readonly otherCpuPercent: number;
  readonly idleCpuPercent: number;
  /** CPU time per publish (its deliveries included), less sensitive than latency to a busy machine. */
  readonly relayCpuUsPerPublish: number;
  readonly redisCpuUsPerPublish: number;
  readonly clientCpuUsPerPublish: number;
  /** Channels subscribed in Redis and Redis's used memory, with every socket connected. */
  readonly redisChannels: number | undefined;
  readonly redisUsedKiB: number | undefined;
  /** Largest subscriber output buffer Redis held, and subscribers it dropped for its limit. */
  readonly redisMaxOutputKiB: number;
  readonly redisDroppedSubscribers: number;
  readonly redisDownEvents: number;
  /** Times relays paused their sockets: behind on Redis themselves / held by another relay. */
  readonly pausesBehind: number;
  readonly pausesHeld: number;
}

/** Connects every pair, measures idle memory, then runs each typing phase on those sockets. */
const measure = async (
  setup: string,
  relays: readonly Relay[],
  loaders: readonly Loader[],
  redis?: TestRedis,
  /** `across`: side A on the first relay, side B on the last; `local`: each loader's pairs on one. */
  placement: 'across' | 'local' = 'across',
): Promise<Figures[]> => {
  const pids = relays.map((relay) => relay.pid);
  await warmUp(relays);
  const memoryOf = async () => {
    const memory = await Promise.all(relays.map((relay) => relay.memoryAfterGc()));
    return {
      rss: sum(memory.map((m) => m.rss)) / 1024,
      heap: sum(memory.map((m) => m.heapUsed)) / 1024,
    };
  };
  const baseline = await memoryOf();
  const urlsFor = (index: number): [string, string] => {
    if (placement === 'across') return [relays[0]!.signalUrl, relays[relays.length - 1]!.signalUrl];
    const relay = relays[index % relays.length]!;
    return [relay.signalUrl, relay.signalUrl];
  };
  const perLoader = Math.ceil(PAIRS / loaders.length);
  const connected = await Promise.all(
    loaders.map((loader, index) =>
      loader.request(
        {
          cmd: 'connect',
          urls: urlsFor(index),
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
  const idle = await memoryOf();
  const redisIdle = redis === undefined ? undefined : await redisFootprint(redis);
  const probes = await Promise.all(relays.map(probeRelay));

  const figures: Figures[] = [];
  for (const phase of PHASES) {
    const redisPid = redis?.pid;
    const loaderPids = loaders.map((loader) => loader.pid);
    const before = {
      relays: pids.map(cpuMs),
      redis: redisPid ? cpuMs(redisPid) : 0,
      clients: sum(loaderPids.map(cpuMs)),
      machine: machineCpuMs(),
      redisDown: sum(relays.map((relay) => relay.redisDownEvents)),
      redisDropped: redis?.logLines(OUTPUT_LIMIT_LOG).length ?? 0,
      pauses: await Promise.all(relays.map((relay) => relay.pauses())),
    };
    let peakKiB = 0;
    const sampler = setInterval(() => (peakKiB = Math.max(peakKiB, sum(pids.map(rssKiB)))), 1_000);
    const probeStart = setTimeout(() => probes.forEach((probe) => probe.start()), WARMUP_MS);
    const redisSampler = redis === undefined ? undefined : sampleRedis(redis);
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
    clearTimeout(probeStart);
    const probeHistograms = probes.map((probe) => probe.stop());
    const redisMaxOutputBytes = redisSampler?.stop() ?? 0;
    checkAlive(relays, `while ${phase.name}`);
    const machine = machineCpuMs();
    const relayCpuMs = pids.map((pid, i) => cpuMs(pid) - before.relays[i]!);
    const redisCpuMs = redisPid ? cpuMs(redisPid) - before.redis : 0;
    const clientCpuMs = sum(loaderPids.map(cpuMs)) - before.clients;
    const busyMs = machine.busy - before.machine.busy;
    const coreMs = (machine.total - before.machine.total) / availableParallelism();
    const percentOfCore = (ms: number) => (ms / coreMs) * 100;
    const sentTotal = sum(typed.map((report) => report.sentTotal));
    const histogram: Histogram = createHistogram();
    for (const report of typed) merge(histogram, report.histogram);
    const sent = sum(typed.map((report) => report.sent));
    const delivered = sum(typed.map((report) => report.delivered));
    const closedByCode: Record<string, number> = {};
    for (const report of typed) {
      for (const [code, count] of Object.entries(report.closedByCode)) {
        closedByCode[code] = (closedByCode[code] ?? 0) + count;
      }
    }
    const ours = sum(relayCpuMs) + redisCpuMs + clientCpuMs;
    const pauses = await Promise.all(relays.map((relay) => relay.pauses()));
    figures.push({
      label: `${setup}, ${phase.name}`,
      setup,
      phase: phase.name,
      sockets,
      open: sum(typed.map((report) => report.open)),
      closedByCode,
      publishesPerSecond: (sent / MEASURE_MS) * 1000,
      deliveriesPerSecond: (delivered / MEASURE_MS) * 1000,
      undelivered: sent - delivered,
      p50Ms: percentileMs(histogram, 50),
      p99Ms: percentileMs(histogram, 99),
      maxMs: percentileMs(histogram, 100),
      probeP99Ms: Math.max(...probeHistograms.map((h) => percentileMs(h, 99))),
      idleKiB: (idle.rss - baseline.rss) / sockets,
      heapKiB: (idle.heap - baseline.heap) / sockets,
      activeKiB: (peakKiB - baseline.rss) / sockets,
      relayCpuPercent: relayCpuMs.map(percentOfCore),
      redisCpuPercent: percentOfCore(redisCpuMs),
      clientCpuPercent: percentOfCore(clientCpuMs),
      otherCpuPercent: percentOfCore(Math.max(0, busyMs - ours)),
      idleCpuPercent: percentOfCore(machine.total - before.machine.total - busyMs),
      relayCpuUsPerPublish: (sum(relayCpuMs) * 1000) / sentTotal,
      redisCpuUsPerPublish: (redisCpuMs * 1000) / sentTotal,
      clientCpuUsPerPublish: (clientCpuMs * 1000) / sentTotal,
      redisChannels: redisIdle?.channels,
      redisUsedKiB: redisIdle?.usedKiB,
      redisMaxOutputKiB: redisMaxOutputBytes / 1024,
      redisDroppedSubscribers:
        (redis?.logLines(OUTPUT_LIMIT_LOG).length ?? 0) - before.redisDropped,
      redisDownEvents: sum(relays.map((relay) => relay.redisDownEvents)) - before.redisDown,
      pausesBehind: sum(pauses.map((p, i) => p.behind - before.pauses[i]!.behind)),
      pausesHeld: sum(pauses.map((p, i) => p.held - before.pauses[i]!.held)),
    });
    await sleep(PAUSE_BETWEEN_PHASES_MS);
  }
  for (const probe of probes) probe.close();
  await Promise.all(loaders.map((loader) => loader.request({ cmd: 'close' }, 'closed')));
  return figures;
};

const printTable = (title: string, header: string[], rows: string[][]): void => {
  const widths = header.map((heading, column) =>
    Math.max(heading.length, ...rows.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  console.info(`\n${title}`);
  console.info(line(header));
  for (const cells of rows) console.info(line(cells));
};

export async function run(): Promise<void> {
  if (process.platform !== 'linux') {
    console.info('relay-redis: needs /proc for RSS and CPU; skipped on', process.platform);
    return;
  }
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const redis = await startTestRedis({ args: REDIS_ARGS });
  const loaders = await Promise.all(Array.from({ length: LOAD_PROCESSES }, spawnLoader));
  const results: Figures[] = [];
  try {
    const single = async () => {
      const relays = [await spawnRelay({})];
      try {
        results.push(...(await measure('1 relay', relays, loaders)));
      } finally {
        await Promise.all(relays.map((relay) => stop(relay.child)));
      }
    };
    const twoRelays = async (
      label: string,
      env: Record<string, string>,
      placement: 'across' | 'local',
    ) => {
      const relays = await Promise.all([0, 1].map(() => spawnRelay(env)));
      try {
        const withRedis = env['REDIS_URL'] === undefined ? undefined : redis;
        results.push(...(await measure(label, relays, loaders, withRedis, placement)));
      } finally {
        await Promise.all(relays.map((relay) => stop(relay.child)));
      }
    };
    // REDIS_SHARDS empty: a channel per topic, whatever the bench's own environment says.
    const perTopic = { REDIS_URL: redis.url, REDIS_SHARDS: '' };
    const sharded = { REDIS_URL: redis.url, REDIS_SHARDS: SHARDS };
    const setups: Record<string, () => Promise<void>> = {
      single,
      split: () => twoRelays('2 relays, no Redis, pairs not split', {}, 'local'),
      'redis-local': () => twoRelays('2 relays via Redis, pairs not split', perTopic, 'local'),
      redis: () => twoRelays(CROSSING_SETUPS[0]!, perTopic, 'across'),
      'redis-shards': () => twoRelays(CROSSING_SETUPS[1]!, sharded, 'across'),
      'redis-shards-local': () =>
        twoRelays(`${CROSSING_SETUPS[1]!}, pairs not split`, sharded, 'local'),
    };
    for (const name of SETUPS) {
      const setup = Object.hasOwn(setups, name) ? setups[name] : undefined;
      if (setup === undefined) throw new Error(`bench: unknown setup ${name}`);
      await setup();
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
      `${MEASURE_MS / 1000} s measured after ${WARMUP_MS / 1000} s warm-up; clients in ` +
      `${LOAD_PROCESSES} load processes on the same ${availableParallelism()} cores as the ` +
      `relays and Redis; latency = publish sent → read by the other side of the pair; 1-min ` +
      `load average ${loadBefore.toFixed(1)} before, ${(loadavg()[0] ?? Number.NaN).toFixed(1)} ` +
      `after (other work on the machine skews latency: see "others" below)`,
  );
  const fixed = (value: number, digits = 1) => value.toFixed(digits);
  const codes = (byCode: Readonly<Record<string, number>>) =>
    Object.entries(byCode)
      .map(([code, count]) => `${count}×${code}`)
      .join(' ') || '-';
  printTable(
    'Delivery',
    [
      'setup',
      'sockets',
      'open at end',
      'closed by relay',
      'publishes/s',
      'deliveries/s',
      'undelivered',
      'p50 ms',
      'p99 ms',
      'max ms',
      'relay ping p99 ms',
    ],
    results.map((r) => [
      r.label,
      String(r.sockets),
      String(r.open),
      codes(r.closedByCode),
      String(Math.round(r.publishesPerSecond)),
      String(Math.round(r.deliveriesPerSecond)),
      String(r.undelivered),
      fixed(r.p50Ms, 2),
      fixed(r.p99Ms, 2),
      fixed(r.maxMs, 0),
      fixed(r.probeP99Ms, 2),
    ]),
  );
  printTable(
    `CPU over each phase, % of one core (${availableParallelism()} cores = ${availableParallelism() * 100} %)`,
    [
      'setup',
      'relays %',
      'redis %',
      'load processes %',
      'others %',
      'idle %',
      'relay µs/publish',
      'redis µs/publish',
      'load µs/publish',
    ],
    results.map((r) => [
      r.label,
      r.relayCpuPercent.map((percent) => fixed(percent)).join(' + '),
      fixed(r.redisCpuPercent),
      fixed(r.clientCpuPercent),
      fixed(r.otherCpuPercent),
      fixed(r.idleCpuPercent),
      fixed(r.relayCpuUsPerPublish),
      fixed(r.redisCpuUsPerPublish),
      fixed(r.clientCpuUsPerPublish),
    ]),
  );
  printTable(
    'Memory (idle: after a full GC, before typing) and Redis',
    [
      'setup',
      'idle KiB/socket',
      'JS heap KiB/socket',
      'peak KiB/socket typing',
      'redis channels',
      'redis used KiB',
      'max redis output buffer KiB',
      'subscribers dropped by redis',
      'relay redis-down events',
      'relay pauses: behind / held',
    ],
    results.map((r) => [
      r.label,
      fixed(r.idleKiB, 2),
      fixed(r.heapKiB, 2),
      fixed(r.activeKiB, 2),
      r.redisChannels === undefined ? '-' : String(r.redisChannels),
      r.redisUsedKiB === undefined ? '-' : fixed(r.redisUsedKiB, 0),
      fixed(r.redisMaxOutputKiB, 0),
      String(r.redisDroppedSubscribers),
      String(r.redisDownEvents),
      `${r.pausesBehind} / ${r.pausesHeld}`,
    ]),
  );
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  console.info('');
  for (const phase of PHASES) {
    const single = results.find((r) => r.label === `1 relay, ${phase.name}`);
    for (const setup of CROSSING_SETUPS) {
      const shared = results.find((r) => r.label === `${setup}, ${phase.name}`);
      if (shared === undefined) continue;
      const ratios =
        single === undefined
          ? ''
          : `${setup} / 1 relay: p50 ${fixed(shared.p50Ms / single.p50Ms, 2)}×, ` +
            `p99 ${fixed(shared.p99Ms / single.p99Ms, 2)}×, relay CPU per publish ` +
            `${fixed(shared.relayCpuUsPerPublish / single.relayCpuUsPerPublish, 2)}× ` +
            `(+ redis ${fixed(shared.redisCpuUsPerPublish, 1)} µs/publish); `;
      const machineUse =
        sum([...shared.relayCpuPercent]) + shared.redisCpuPercent + shared.clientCpuPercent;
      console.info(
        `${phase.name}: ${ratios}goals (${setup}): ` +
          `${shared.open} sockets held (≥ ${GOAL_SOCKETS}: ${verdict(shared.open >= GOAL_SOCKETS)}), ` +
          `p99 ${fixed(shared.p99Ms, 2)} ms (≤ ${GOAL_P99_MS}: ${verdict(shared.p99Ms <= GOAL_P99_MS)}), ` +
          `idle ${fixed(shared.idleKiB, 2)} KiB/socket (≤ ${GOAL_IDLE_KIB}: ` +
          `${verdict(shared.idleKiB <= GOAL_IDLE_KIB)}); relays + redis + load processes used ` +
          `${fixed(machineUse, 0)} % of ${availableParallelism() * 100} %, others ` +
          `${fixed(shared.otherCpuPercent, 0)} %`,
      );
    }
  }
}
