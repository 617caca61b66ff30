/**
 * `pnpm bench`: runs every registered benchmark module's `run()` in order.
 * `pnpm bench crypto` runs only the modules whose name contains "crypto".
 * To add a benchmark, export `async function run()` from `tests/bench/<name>.bench.ts`
 * and list it below.
 */
export interface BenchModule {
  run(): Promise<void>;
}

const MODULES: ReadonlyArray<readonly [name: string, load: () => Promise<BenchModule>]> = [
  ['crypto', () => import('./crypto.bench.ts')],
  ['sync-roundtrip', () => import('./sync-roundtrip.bench.ts')],
  ['keystroke', () => import('./keystroke.bench.ts')],
  ['relay', () => import('./relay-fanout.bench.ts')],
  ['relay-redis', () => import('./relay-redis.bench.ts')],
  ['workspace', () => import('./workspace.bench.ts')],
];

const filters = process.argv.slice(2).filter((arg) => arg !== '--');
const selected = MODULES.filter(
  ([name]) => filters.length === 0 || filters.some((f) => name.includes(f)),
);
if (selected.length === 0) {
  console.error(
    `No benchmark matches ${filters.join(', ')}; known: ${MODULES.map(([name]) => name).join(', ')}`,
  );
  process.exit(1);
}

console.info(`node ${process.version}, ${process.platform}/${process.arch}`);
for (const [name, load] of selected) {
  console.info(`\n=== ${name} ===`);
  await (await load()).run();
}
