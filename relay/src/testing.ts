/**
 * `@tandem/relay/testing`: fixtures for tests and benches (a throwaway redis-server or
 * coturn, a free loopback port). Never imported by the relay itself.
 */
export * from './free-port.ts';
export * from './redis-test-server.ts';
export * from './turn-test-server.ts';
