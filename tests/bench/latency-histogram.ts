/**
 * A fixed-bucket latency histogram that load processes fill and the bench merges by adding
 * counts: 50 µs buckets up to 100 ms, 1 ms buckets up to 10 s, one overflow bucket.
 * Percentiles are reported as the upper edge of their bucket (never optimistic).
 */
const FINE_BUCKET_MS = 0.05;
const FINE_LIMIT_MS = 100;
const COARSE_BUCKET_MS = 1;
const LIMIT_MS = 10_000;
const FINE_BUCKETS = FINE_LIMIT_MS / FINE_BUCKET_MS;
const COARSE_BUCKETS = (LIMIT_MS - FINE_LIMIT_MS) / COARSE_BUCKET_MS;
const BUCKETS = FINE_BUCKETS + COARSE_BUCKETS + 1;

export type Histogram = number[];

export const createHistogram = (): Histogram => new Array<number>(BUCKETS).fill(0);

const bucketOf = (ms: number): number => {
  if (ms < FINE_LIMIT_MS) return Math.max(0, Math.floor(ms / FINE_BUCKET_MS));
  if (ms < LIMIT_MS) return FINE_BUCKETS + Math.floor((ms - FINE_LIMIT_MS) / COARSE_BUCKET_MS);
  return BUCKETS - 1;
};

const upperEdgeMs = (bucket: number): number =>
  bucket < FINE_BUCKETS
    ? (bucket + 1) * FINE_BUCKET_MS
    : bucket < BUCKETS - 1
      ? FINE_LIMIT_MS + (bucket - FINE_BUCKETS + 1) * COARSE_BUCKET_MS
      : Number.POSITIVE_INFINITY;

export const record = (histogram: Histogram, ms: number): void => {
  const bucket = bucketOf(ms);
  histogram[bucket] = (histogram[bucket] ?? 0) + 1;
};

export const merge = (into: Histogram, from: readonly number[]): void => {
  from.forEach((count, bucket) => (into[bucket] = (into[bucket] ?? 0) + count));
};

export const total = (histogram: readonly number[]): number =>
  histogram.reduce((sum, count) => sum + count, 0);

/** Nearest-rank percentile (0–100), in ms; NaN when empty. */
export const percentileMs = (histogram: readonly number[], p: number): number => {
  const count = total(histogram);
  if (count === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * count));
  let seen = 0;
  for (let bucket = 0; bucket < histogram.length; bucket += 1) {
    seen += histogram[bucket] ?? 0;
    if (seen >= rank) return upperEdgeMs(bucket);
  }
  return Number.POSITIVE_INFINITY;
};
