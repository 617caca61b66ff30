/**
 * A small seeded generator for randomised tests (sfc32). Tests print the seed and
 * replay from the SEED environment variable: `SEED=1234 npx vitest run …`.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, max). */
  int(max: number): number;
  bytes(length: number): Uint8Array;
  pick<T>(items: readonly T[]): T;
}

/** Seed from SEED if set, else a fresh one; either way it is printed so a failure replays. */
export function seededRandom(label: string): SeededRandom {
  const fromEnv = typeof process !== 'undefined' ? process.env['SEED'] : undefined;
  const seed =
    fromEnv !== undefined && fromEnv !== ''
      ? Number(fromEnv) >>> 0
      : (Math.random() * 2 ** 32) >>> 0;
  console.info(`[${label}] seed ${seed} (replay with SEED=${seed})`);
  return createRandom(seed);
}

export function createRandom(seed: number): SeededRandom {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const nextU32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 15; i++) nextU32(); // mix the seed in
  const next = (): number => nextU32() / 2 ** 32;
  const int = (max: number): number => Math.floor(next() * max);
  return {
    seed,
    next,
    int,
    bytes: (length) => Uint8Array.from({ length }, () => int(256)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)]!;
    },
  };
}
