/**
 * Seeded random interleavings of two devices starting, stopping and heartbeating, with
 * skewed clocks, crashes, partitions and updates delivered late and out of order. Whatever
 * happens, once every update is delivered both copies must give the same ledger and totals.
 * The seed is printed; `SEED=<n>` replays a run, `RUNS=<n>` runs more seeds.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { heartbeat, readLedger, startSession, stopSession } from './ledger.ts';
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from './limits.ts';
import { makePair, MINUTE, seededRandom, T0 } from './test-support.ts';

const REMOTE = Symbol('remote');

interface Device {
  readonly doc: Y.Doc;
  readonly key: Uint8Array;
  /** Offset of this device's clock from true time, ms. */
  readonly skew: number;
  /** Updates made here, not yet delivered to the other device. */
  readonly outbox: Uint8Array[];
  crashedUntil: number;
}

function simulate(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const capSeconds = pick([60, 600, 3600, 24 * 3600]);
  const pair = makePair({ hourCapSeconds: capSeconds });
  const devices: Device[] = [
    { doc: pair.a, key: pair.counsellor.publicKey, skew: 0, outbox: [], crashedUntil: 0 },
    { doc: pair.b, key: pair.beneficiary.publicKey, skew: 0, outbox: [], crashedUntil: 0 },
  ].map((d) => ({ ...d, skew: Math.round((random() - 0.5) * 2 * MINUTE) }));
  for (const device of devices) {
    device.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) device.outbox.push(update);
    });
  }
  const deliver = (from: Device, to: Device, all: boolean) => {
    // Random subset, random order: Yjs must cope with gaps and reordering.
    const batch = all ? from.outbox.splice(0) : from.outbox.filter(() => random() < 0.5);
    if (!all) for (const u of batch) from.outbox.splice(from.outbox.indexOf(u), 1);
    for (let i = batch.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [batch[i], batch[j]] = [batch[j]!, batch[i]!];
    }
    for (const update of batch) Y.applyUpdate(to.doc, update, REMOTE);
  };
  let partitioned = false;
  let now = T0;
  const steps = 400 + Math.floor(random() * 400);
  for (let step = 0; step < steps; step++) {
    now += pick([HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, 1000, 30_000, 3 * MINUTE]);
    if (random() < 0.02) partitioned = !partitioned;
    for (const device of devices) {
      if (now < device.crashedUntil) continue;
      const local = now + device.skew;
      const roll = random();
      if (roll < 0.01)
        device.crashedUntil = now + pick([MINUTE, HEARTBEAT_TIMEOUT_MS * 2, 30 * MINUTE]);
      else if (roll < 0.05)
        startSession(device.doc, device.key, local, { mode: pick(['presentiel', 'distanciel']) });
      else if (roll < 0.08) stopSession(device.doc, device.key, local);
      else heartbeat(device.doc, device.key, local);
    }
    if (!partitioned) {
      const [a, b] = devices as [Device, Device];
      if (random() < 0.7) deliver(a, b, false);
      if (random() < 0.7) deliver(b, a, false);
    }
  }
  const [a, b] = devices as [Device, Device];
  deliver(a, b, true);
  deliver(b, a, true);
  return { a, b, now, capSeconds, start: T0 };
}

describe('ledger under random interleavings', () => {
  const base = Number(process.env.SEED ?? Date.now() % 1_000_000);
  console.info(`ledger random test base seed=${base} (replay with SEED=${base})`);
  const runs = Number(process.env.RUNS ?? (process.env.SEED ? 1 : 12));
  for (let run = 0; run < runs; run++) {
    const seed = base + run;
    it(`converges to identical totals on both devices (seed ${seed})`, () => {
      const { a, b, now, capSeconds, start } = simulate(seed);
      // Read well after everything, from each device's own clock.
      const later = now + HEARTBEAT_TIMEOUT_MS * 10;
      const onA = readLedger(a.doc, later + a.skew);
      const onB = readLedger(b.doc, later + b.skew);
      expect(onA.sessions).toEqual(onB.sessions);
      expect(onA.totals).toEqual(onB.totals);
      expect(onA.running).toBeNull();
      // Time is counted once: never more than the cap, nor than the time that passed.
      expect(onA.totals.seconds).toBeLessThanOrEqual(capSeconds);
      expect(onA.totals.ms).toBeLessThanOrEqual(now - start + 2 * MINUTE);
      const sum = [...onA.totals.bySessionMs.values()].reduce((s, v) => s + v, 0);
      expect(sum).toBe(onA.totals.ms);
    });
  }
});
