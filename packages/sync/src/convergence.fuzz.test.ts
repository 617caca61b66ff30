import { createBilanKey, ready } from '@tandem/crypto';
import { startRelay } from '@tandem/relay';
import * as prng from 'lib0/prng';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openSession, type OpenedSession } from './session.ts';
import { ChaosNetwork } from './testing/chaos-socket.ts';

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const ROUNDS = 150;

let relay: Awaited<ReturnType<typeof startRelay>>;
beforeAll(async () => {
  await ready();
  relay = await startRelay({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => relay.close());

function randomEdit(random: prng.PRNG, doc: Y.Doc): void {
  const text = doc.getText('synthesis');
  const rows = doc.getArray<string>('actionPlan');
  const meta = doc.getMap<number | string>('meta');
  switch (prng.uint32(random, 0, 5)) {
    case 0:
    case 1:
      text.insert(prng.uint32(random, 0, text.length), prng.word(random, 1, 6));
      break;
    case 2:
      if (text.length > 2) {
        const at = prng.uint32(random, 0, text.length - 1);
        text.delete(at, Math.min(prng.uint32(random, 1, 4), text.length - at));
      }
      break;
    case 3:
      if (text.length > 2) {
        const at = prng.uint32(random, 0, text.length - 1);
        text.format(at, Math.min(3, text.length - at), { bold: prng.bool(random) || null });
      }
      break;
    case 4:
      rows.insert(prng.uint32(random, 0, rows.length), [prng.word(random, 2, 5)]);
      break;
    case 5:
      if (rows.length > 0 && prng.bool(random))
        rows.delete(prng.uint32(random, 0, rows.length - 1));
      else meta.set(prng.word(random, 1, 2), prng.uint32(random, 0, 1000));
      break;
  }
}

const snapshot = (doc: Y.Doc) =>
  JSON.stringify({
    synthesis: doc.getText('synthesis').toDelta(),
    actionPlan: doc.getArray('actionPlan').toJSON(),
    // Y.Map key order follows local insertion order; the content is what must match.
    meta: Object.entries(doc.getMap('meta').toJSON()).sort(([a], [b]) => a.localeCompare(b)),
  });

it(`3 peers converge through delays, duplicates, reordering and dropped connections (SEED=${SEED})`, async () => {
  console.info(`convergence fuzz seed: ${SEED} (replay with SEED=${SEED})`);
  const random = prng.create(SEED);
  const network = new ChaosNetwork(
    random,
    Number(process.env.MAX_DELAY ?? 15),
    Number(process.env.DUP_RATE ?? 0.05),
    // Frames overtaking others of their own connection: updates that arrive before what
    // they need, held by the update guard until it comes (or a sync brings it).
    Number(process.env.REORDER_RATE ?? 0.1),
  );
  const key = createBilanKey();
  const peers: OpenedSession[] = [];
  for (let i = 0; i < 3; i++) {
    peers.push(
      await openSession({
        bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
        key,
        relayUrl: relay.url,
        createSocket: network.factory(),
        localCopy: false,
        p2p: false,
      }),
    );
  }
  try {
    const start = Date.now();
    while (!peers.every((p) => p.status().peerOnline)) {
      if (Date.now() - start > 10_000)
        throw new Error(`peers never met: ${JSON.stringify(peers.map((p) => p.status()))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let round = 0; round < ROUNDS; round++) {
      randomEdit(random, prng.oneOf(random, peers).doc);
      if (prng.real53(random) < Number(process.env.CUT_RATE ?? 0.03)) network.cutOne();
      await new Promise((r) => setTimeout(r, prng.uint32(random, 0, 8)));
    }
    network.calm = true;
    const deadline = Date.now() + 20_000;
    while (new Set(peers.map((p) => snapshot(p.doc))).size !== 1) {
      if (Date.now() > deadline) {
        const snaps = peers.map((p) => snapshot(p.doc));
        const at = [...(snaps[0] ?? '')].findIndex((c, i) => snaps.some((s) => s[i] !== c));
        const report = peers.map(
          (p, i) =>
            `${JSON.stringify(p.status())} sv=${Y.encodeStateVector(p.doc).join(',')}\n…${snaps[i]?.slice(Math.max(0, at - 80), at + 120)}`,
        );
        throw new Error(`no convergence (SEED=${SEED}):\n${report.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const [first, ...rest] = peers.map((p) => Y.encodeStateVector(p.doc));
    for (const vector of rest) expect(vector).toEqual(first);
    expect(peers[0]?.doc.getText('synthesis').length).toBeGreaterThan(0);
    console.info(`connections opened: ${network.opened}, cut: ${network.cuts}`);
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}, 60_000);
