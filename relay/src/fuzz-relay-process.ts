/**
 * Test-only: one relay in its own process, so the fuzz test measures the relay's memory
 * and nothing else. Started with `fork` (IPC) and `--expose-gc`; answers `memory` with its
 * memory use after a full collection, and `stop` by closing and exiting.
 * `FUZZ_RELAY_LIMITS` (JSON, e.g. `{"SEND_BUFFER_HIGH_WATER_BYTES":2147483647}`) runs the
 * fuzzer against other limits, e.g. to check that it notices when one is lifted.
 */
import type { RelayLimits } from './limits.ts';
import { startRelay } from './server.ts';

type Request = 'memory' | 'stop';

const collect = (globalThis as { gc?: () => void }).gc;
const limits = JSON.parse(process.env['FUZZ_RELAY_LIMITS'] ?? '{}') as Partial<RelayLimits>;
const relay = await startRelay({ port: 0, host: '127.0.0.1', staticDir: '/nonexistent', limits });
process.send?.({ port: relay.port });

process.on('message', (request: Request) => {
  if (request === 'memory') {
    collect?.();
    collect?.();
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    process.send?.({ rss, heapUsed, external, arrayBuffers, collected: collect !== undefined });
  } else if (request === 'stop') {
    void relay.close().then(() => process.exit(0));
  }
});
// The parent going away (test killed) must not leave a relay behind.
process.on('disconnect', () => process.exit(0));
