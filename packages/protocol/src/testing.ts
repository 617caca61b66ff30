// Test helpers for this package's tests and its dependents' (`@tandem/protocol/testing`).
// Not part of the runtime API: nothing outside tests imports this entry point.
export * from './seeded-random.ts';
export * from './record-fixtures.ts';
