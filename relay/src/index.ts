export { startRelay, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_STATIC_DIR } from './server.ts';
export type { RunningRelay, StartRelayOptions } from './server.ts';
export type { PublishTap } from './router.ts';
export type { FanOut, DeliverPublish, ResyncTopic } from './fan-out.ts';
export {
  createRedisFanOut,
  type RedisFanOut,
  type RedisFanOutOptions,
  type RedisLinkState,
} from './redis-fan-out.ts';
export type { IceServer } from './ice-servers.ts';
export { DEFAULT_LIMITS, type RelayLimits } from './limits.ts';
