/**
 * Crypto benchmark: seal+open through @tandem/crypto next to bare libsodium
 * XChaCha20-Poly1305 encrypt+decrypt of the same payload with the same additional data,
 * in the same run and interleaved, so all see the same machine state. Prints ops/s,
 * MB/s and the overhead ratio (goal ≤ 1.15×), then libsodium's initialisation time.
 *
 * Where the overhead comes from: libsodium-wrappers returns a fresh ciphertext array,
 * so `version ‖ kind ‖ nonce ‖ ciphertext` costs one more allocation and copy (about
 * 0.5 µs in V8, which allocates arrays over 64 bytes off-heap), plus views on open. On
 * small messages that is 15–20% of the AEAD calls; from 64 KiB up it is noise.
 *
 * Two baselines:
 *   bare        the two AEAD calls alone (one fixed nonce): the strict floor, and the
 *               one the goal is judged against;
 *   bare+nonce  the same with a fresh crypto.getRandomValues nonce per message, which is
 *               what code calling libsodium directly would have to do.
 *
 * This file is the one place outside packages/crypto that imports libsodium: it is what
 * the package is measured against.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  MAX_PLAINTEXT_BYTES,
  MessageKind,
  NONCE_BYTES,
  sealedAdditionalData,
} from '@tandem/protocol';

const OVERHEAD_GOAL = 1.15;
/**
 * Rotations of (ours, bare, bare+nonce) rounds; each contender keeps its best round.
 * Many short rounds give each contender undisturbed windows even on a busy machine.
 */
const ROTATIONS = 60;
const ROUND_MS = 10;
const MIN_OPS_PER_ROUND = 3;
const COLD_INIT_SAMPLES = 5;

const SIZES: ReadonlyArray<readonly [label: string, bytes: number]> = [
  ['100 B', 100],
  ['1 KiB', 1024],
  ['64 KiB', 64 * 1024],
  ['1 MiB*', MAX_PLAINTEXT_BYTES],
];

/** Operations per second of `op`, one round: as many calls as fit in ROUND_MS. */
function opsPerSecond(op: () => void): number {
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS || count < MIN_OPS_PER_ROUND) {
    op();
    count++;
    elapsed = performance.now() - start;
  }
  return (count * 1000) / elapsed;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Best ops/s of each contender over ROTATIONS rounds, rotating which goes first. Other
 * processes and GC only ever slow a round down, so the best round is the steadiest
 * estimate of each contender's own cost on a shared machine (the median is printed
 * too, as a check).
 */
function compare(contenders: ReadonlyArray<() => void>): { best: number[]; median: number[] } {
  for (let i = 0; i < 3; i++) for (const op of contenders) op();
  const rounds = contenders.map((): number[] => []);
  for (let rotation = 0; rotation < ROTATIONS; rotation++) {
    for (let k = 0; k < contenders.length; k++) {
      const i = (rotation + k) % contenders.length;
      rounds[i]!.push(opsPerSecond(contenders[i]!));
    }
  }
  return { best: rounds.map((r) => Math.max(...r)), median: rounds.map(median) };
}

/** Cold start in fresh Node processes: importing libsodium-wrappers and awaiting ready. */
function coldInitMs(): number[] {
  const script = `
    const start = performance.now();
    const { default: sodium } = await import('libsodium-wrappers');
    await sodium.ready;
    process.stdout.write(String(performance.now() - start));
  `;
  const cwd = fileURLToPath(new URL('.', import.meta.url));
  return Array.from({ length: COLD_INIT_SAMPLES }, () =>
    Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd,
        encoding: 'utf8',
      }),
    ),
  );
}

/** getRandomValues fills at most 64 KiB per call. */
function randomPayload(bytes: number): Uint8Array {
  const payload = new Uint8Array(bytes);
  for (let offset = 0; offset < bytes; offset += 65_536) {
    crypto.getRandomValues(payload.subarray(offset, Math.min(bytes, offset + 65_536)));
  }
  return payload;
}

const fmt = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function row(cells: readonly string[]): string {
  const widths = [8, 12, 10, 12, 10, 10, 14, 10];
  return (
    '  ' +
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('')
  );
}

export async function run(): Promise<void> {
  // The package's own start-up first, before anything else has loaded libsodium.
  const importStart = performance.now();
  const tandem = await import('@tandem/crypto');
  const importMs = performance.now() - importStart;
  const readyStart = performance.now();
  await tandem.ready();
  const readyMs = performance.now() - readyStart;
  // Loaded only now, so the timings above are a cold start. Same module instance as the
  // package's, already initialised.
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;

  const { docKey, relayTopic } = tandem.deriveBilanKeys(tandem.createBilanKey());
  const kind = MessageKind.Sync;
  const ad = sealedAdditionalData(relayTopic, kind);
  const fixedNonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));

  console.info(
    '\ncrypto: seal+open (@tandem/crypto) vs bare crypto_aead_xchacha20poly1305_ietf encrypt+decrypt',
  );
  console.info(
    '  bare: the AEAD calls alone (same AD, fixed nonce); bare+nonce: plus getRandomValues per message',
  );
  console.info(
    `  best of ${ROTATIONS} interleaved ${ROUND_MS} ms rounds each; MB = 10^6 payload bytes`,
  );
  console.info(
    row([
      'payload',
      'ours ops/s',
      'MB/s',
      'bare ops/s',
      'MB/s',
      'overhead',
      'bare+nonce',
      'overhead',
    ]),
  );
  let worst = 0;
  const medianOverheads: string[] = [];
  for (const [label, bytes] of SIZES) {
    const payload = randomPayload(bytes);
    const ours = () => {
      const sealed = tandem.sealMessage(docKey, relayTopic, kind, payload);
      const opened = tandem.openMessage(docKey, relayTopic, sealed);
      if (!opened.ok) throw new Error(`open failed: ${opened.error}`);
    };
    const aead = (nonce: Uint8Array) => {
      const ciphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
        payload,
        ad,
        null,
        nonce,
        docKey,
      );
      sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, docKey);
    };
    const bare = () => aead(fixedNonce);
    const bareWithNonce = () => aead(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
    const result = compare([ours, bare, bareWithNonce]);
    const [oursOps, bareOps, bareNonceOps] = result.best as [number, number, number];
    const overBare = bareOps / oursOps;
    const overBareNonce = bareNonceOps / oursOps;
    const [oursMedian, bareMedian] = result.median as [number, number];
    medianOverheads.push(`${label} ${fmt(bareMedian / oursMedian, 2)}×`);
    worst = Math.max(worst, overBare);
    const mb = (opsPerSec: number) => fmt((opsPerSec * bytes) / 1e6, 1);
    console.info(
      row([
        label,
        fmt(oursOps),
        mb(oursOps),
        fmt(bareOps),
        mb(bareOps),
        `${fmt(overBare, 3)}×`,
        fmt(bareNonceOps),
        `${fmt(overBareNonce, 3)}×`,
      ]),
    );
  }
  console.info(
    `  * 1 MiB minus the 42-byte envelope (${fmt(MAX_PLAINTEXT_BYTES)} B), the largest sealable payload`,
  );
  console.info(
    `  overhead vs bare from median rounds instead (noise check): ${medianOverheads.join(', ')}`,
  );
  console.info(
    `  worst overhead vs bare ${fmt(worst, 3)}× — goal ≤ ${OVERHEAD_GOAL}×: ${worst <= OVERHEAD_GOAL ? 'met' : 'NOT MET'}`,
  );

  const cold = coldInitMs();
  console.info('\ncrypto: libsodium initialisation');
  console.info(
    `  this process: import @tandem/crypto ${fmt(importMs, 1)} ms, then ready() ${fmt(readyMs, 1)} ms`,
  );
  console.info(
    `  fresh process, import libsodium-wrappers + ready: median ${fmt(median(cold), 1)} ms (${cold.map((ms) => fmt(ms, 1)).join(', ')})`,
  );
}
