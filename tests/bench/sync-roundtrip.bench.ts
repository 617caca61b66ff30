/**
 * Sync benchmark: the same Yjs workload through our sealed relay path (`openSession`,
 * relay fallback only) and through the stock, unencrypted y-websocket server, side by
 * side in one run.
 *
 *   round trip  one short Y.Text insert on A, timed until B's document has it; then B→A,
 *               alternating; one update in flight at a time, paced PACE_MS apart. The
 *               contenders take turns in short rounds so both see the same machine state.
 *               Goal: our p50 ≤ 1.3× y-websocket's.
 *   cold join   a fresh client joins a room where a peer holds a 10,000-word synthesis
 *               (synthesis-fixture.ts), timed from "open" until the whole synthesis is
 *               in its document.
 *
 * Servers and the cold-join holders run in child processes; both clients of a pair run
 * in this process (the same for both contenders, and never busy at once since one update
 * is in flight). Our cold join is served by the holder, the other party's device (the
 * relay stores nothing); y-websocket's by the server's own copy of the document, one hop
 * shorter: that is its design, not a bias of the bench.
 */
import { createBilanKey, ready } from '@tandem/crypto';
import { openSession, type WebSocketLike } from '@tandem/sync';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  spawnSynthesisHolder,
  spawnTandemRelay,
  spawnYWebsocketServer,
  type BenchServer,
  type HolderConfig,
  type RunningHolder,
} from './bench-servers.ts';
import { distribution, fmt, row, sleep, until, type Distribution } from './bench-stats.ts';
import { hasSynthesis, SYNTHESIS_SECTIONS, VOCABULARY } from './synthesis-fixture.ts';

const ROUNDS = 10;
const SAMPLES_PER_ROUND = 50;
const WARMUP_SAMPLES = 50;
/** Idle time between two samples: keeps one update in flight and under relay rate limits. */
const PACE_MS = 5;
const SAMPLE_TIMEOUT_MS = 5_000;
const COLD_JOINS = 20;
const COLD_JOIN_TIMEOUT_MS = 20_000;
const RATIO_GOAL = 1.3;

const BILAN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

interface Client {
  readonly doc: Y.Doc;
  /** Connected to the server. */
  up(): boolean;
  /** Ready to exchange updates: ours has heard the other peer, y-websocket has synced. */
  paired(): boolean;
  close(): Promise<void>;
}

interface Room {
  /** Opens a fresh client in this room. */
  join(): Promise<Client>;
  /** How a holder process joins the same room. */
  readonly holder: HolderConfig;
}

interface Contender {
  readonly label: string;
  readonly server: BenchServer;
  room(): Room;
}

function oursContender(server: BenchServer): Contender {
  const createSocket = (url: string) => new WebSocket(url) as unknown as WebSocketLike;
  return {
    label: 'ours (sealed relay)',
    server,
    room() {
      const key = createBilanKey();
      return {
        holder: { kind: 'ours', url: server.url, room: Buffer.from(key).toString('base64') },
        async join() {
          const session = await openSession({
            bilanId: BILAN_ID,
            key,
            relayUrl: server.url,
            createSocket,
            localCopy: false,
            p2p: false,
          });
          return {
            doc: session.doc,
            up: () => session.status().connection === 'relay',
            paired: () => session.status().peerOnline,
            close: () => session.close(),
          };
        },
      };
    },
  };
}

function yWebsocketContender(server: BenchServer): Contender {
  let rooms = 0;
  return {
    label: 'y-websocket (plain)',
    server,
    room() {
      const name = `bench-${++rooms}`;
      return {
        holder: { kind: 'y-websocket', url: server.url, room: name },
        join() {
          const doc = new Y.Doc();
          const provider = new WebsocketProvider(server.url, name, doc, {
            WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
            // Node has BroadcastChannel: without this, two clients in one process would
            // sync through it and bypass the server.
            disableBc: true,
          });
          const up = () => provider.wsconnected && provider.synced;
          return Promise.resolve({
            doc,
            up,
            paired: up,
            close: async () => {
              provider.destroy();
              doc.destroy();
            },
          });
        },
      };
    },
  };
}

/** Inserts `word` at the end of `from`'s text; resolves with ms until `to` has it. */
function trip(from: Y.Doc, to: Y.Doc, word: string): Promise<number> {
  const target = to.getText('bench');
  const expected = target.length + word.length;
  return new Promise((resolve, reject) => {
    const observer = () => {
      if (target.length < expected) return;
      const elapsed = performance.now() - start;
      target.unobserve(observer);
      clearTimeout(timer);
      resolve(elapsed);
    };
    const timer = setTimeout(() => {
      target.unobserve(observer);
      reject(new Error(`an update took over ${SAMPLE_TIMEOUT_MS} ms`));
    }, SAMPLE_TIMEOUT_MS);
    target.observe(observer);
    const source = from.getText('bench');
    const start = performance.now();
    source.insert(source.length, word);
  });
}

async function trips(a: Client, b: Client, count: number, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    const forward = i % 2 === 0;
    const word = `${VOCABULARY[i % VOCABULARY.length]} `;
    into.push(await trip(forward ? a.doc : b.doc, forward ? b.doc : a.doc, word));
    await sleep(PACE_MS);
  }
}

/** ms from "open" until the fresh client's document holds the whole synthesis. */
async function coldJoin(room: Room): Promise<number> {
  const start = performance.now();
  const joiner = await room.join();
  try {
    return await new Promise<number>((resolve, reject) => {
      const check = () => {
        if (!hasSynthesis(joiner.doc)) return;
        joiner.doc.off('update', check);
        clearTimeout(timer);
        resolve(performance.now() - start);
      };
      const timer = setTimeout(() => {
        joiner.doc.off('update', check);
        reject(new Error(`cold join took over ${COLD_JOIN_TIMEOUT_MS} ms`));
      }, COLD_JOIN_TIMEOUT_MS);
      joiner.doc.on('update', check);
      check();
    });
  } finally {
    await joiner.close();
  }
}

function printTable(title: string, results: ReadonlyArray<readonly [string, Distribution]>) {
  const widths = [22, 9, 10, 10, 10, 10, 10];
  console.info(title);
  console.info(
    row(['contender', 'samples', 'min ms', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], widths),
  );
  for (const [label, d] of results) {
    const cells = [d.min, d.p50, d.p95, d.p99, d.max].map((ms) => fmt(ms));
    console.info(row([label, String(d.count), ...cells], widths));
  }
}

export async function run(): Promise<void> {
  await ready();
  const servers: BenchServer[] = [];
  const holders: RunningHolder[] = [];
  const clients: Client[] = [];
  try {
    const relay = await spawnTandemRelay();
    servers.push(relay);
    const yServer = await spawnYWebsocketServer();
    servers.push(yServer);
    const contenders = [oursContender(relay), yWebsocketContender(yServer)];
    console.info(
      `servers in child processes: our relay pid ${relay.pid}, y-websocket server pid ${yServer.pid}; clients in this process`,
    );

    // Round trip: one pair per contender, kept open for every round.
    const pairs = [];
    for (const contender of contenders) {
      const room = contender.room();
      const a = await room.join();
      const b = await room.join();
      clients.push(a, b);
      await until(() => a.paired() && b.paired(), `${contender.label} pair connected`);
      await trips(a, b, WARMUP_SAMPLES, []);
      pairs.push({ contender, a, b, samples: [] as number[] });
    }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? pairs : [...pairs].reverse();
      for (const pair of order) await trips(pair.a, pair.b, SAMPLES_PER_ROUND, pair.samples);
    }
    const roundTrips = pairs.map((p) => [p.contender.label, distribution(p.samples)] as const);
    printTable(
      `\nsync: one word inserted in a Y.Text, A→B then B→A, one in flight, ${PACE_MS} ms apart` +
        ` (${WARMUP_SAMPLES} warm-up, then ${ROUNDS} alternating rounds of ${SAMPLES_PER_ROUND})`,
      roundTrips,
    );
    const ratio = roundTrips[0]![1].p50 / roundTrips[1]![1].p50;
    console.info(
      `  p50 ours / y-websocket: ${fmt(ratio)}× — goal ≤ ${RATIO_GOAL}×: ${ratio <= RATIO_GOAL ? 'met' : 'NOT MET'}` +
        ` (p95 ${fmt(roundTrips[0]![1].p95 / roundTrips[1]![1].p95)}×)`,
    );
    await Promise.all(clients.splice(0).map((c) => c.close()));

    // Cold join: one holder process per contender, fresh joiners here taking turns.
    const cold = [];
    for (const contender of contenders) {
      const room = contender.room();
      const holder = await spawnSynthesisHolder(room.holder);
      holders.push(holder);
      // A first join (not counted) makes sure the synthesis is reachable before timing.
      await coldJoin(room);
      cold.push({ contender, room, holder, samples: [] as number[] });
    }
    for (let i = 0; i < COLD_JOINS; i++) {
      const order = i % 2 === 0 ? cold : [...cold].reverse();
      for (const entry of order) {
        entry.samples.push(await coldJoin(entry.room));
        await sleep(50);
      }
    }
    const { words, updateBytes } = cold[0]!.holder;
    const joins = cold.map((c) => [c.contender.label, distribution(c.samples)] as const);
    printTable(
      `\nsync: cold join of a ${fmt(words, 0)}-word synthesis (${SYNTHESIS_SECTIONS.length} Y.XmlFragment sections,` +
        ` full-state update ${fmt(updateBytes / 1024, 1)} KiB), open → whole synthesis in the document`,
      joins,
    );
    console.info(`  p50 ours / y-websocket: ${fmt(joins[0]![1].p50 / joins[1]![1].p50)}×`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(holders.map((h) => h.close()));
    await Promise.all(servers.map((s) => s.close()));
  }
}
