/**
 * Loaded into relay processes by the relay-redis bench only (`node --expose-gc --import tsx
 * --import <this file> relay/src/main.ts`): on SIGUSR2, two full garbage collections, then
 * one stdout line `bench-memory {"heapUsed":…,"rss":…}`, so memory per socket is read after
 * GC instead of with whatever garbage the last burst left. Changes nothing else.
 */
const collect = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  collect?.();
  collect?.();
  const { heapUsed, rss } = process.memoryUsage();
  process.stdout.write(`bench-memory ${JSON.stringify({ heapUsed, rss })}\n`);
});
