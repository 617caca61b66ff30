/**
 * `tsx relay/src/main.ts`: the relay as a process, configured by environment (see
 * config.ts and redis-config.ts). Logs one line with its URL (and Redis up/down
 * changes); closes every socket with GoingAway on SIGINT or SIGTERM. Never logs what it
 * carries.
 */
import { readRelayConfig } from './config.ts';
import { RelayConfigError } from './limits.ts';
import { readRedisConfig } from './redis-config.ts';
import {
  createRedisFanOut,
  REDIS_CONNECT_TIMEOUT_MS,
  type PauseReason,
  type RedisFanOut,
  type RedisLinkState,
} from './redis-fan-out.ts';
import { startRelay, type RunningRelay } from './server.ts';

const logRedisState = (state: RedisLinkState, errorCode: string | undefined): void => {
  if (state === 'up') console.info('relay: redis up');
  else console.warn(`relay: redis down${errorCode ? ` (${errorCode})` : ''}, reconnecting`);
};

/** However often sockets are paused and resumed, at most one line per this interval. */
const PAUSED_LOG_INTERVAL_MS = 10_000;
let pausedLoggedAtMs = Number.NEGATIVE_INFINITY;
let pausesNotLogged = 0;

const logPaused = (paused: boolean, reason: PauseReason, lagMs: number): void => {
  if (!paused) return;
  pausesNotLogged += 1;
  const now = performance.now();
  if (now - pausedLoggedAtMs < PAUSED_LOG_INTERVAL_MS) return;
  const why =
    reason === 'behind'
      ? `${Math.round(lagMs)} ms behind on redis`
      : 'another relay is behind on redis';
  console.warn(
    `relay: ${why}, sockets not read until it catches up ` +
      `(${pausesNotLogged} pause${pausesNotLogged === 1 ? '' : 's'} since the last such line)`,
  );
  pausedLoggedAtMs = now;
  pausesNotLogged = 0;
};

/** With REDIS_URL, topics are shared with other relays; the URL itself is never logged. */
const startRedisFanOut = (): RedisFanOut | undefined => {
  const redis = readRedisConfig(process.env);
  if (redis === undefined) return undefined;
  const fanOut = createRedisFanOut({
    ...redis,
    onStateChange: logRedisState,
    onPausedChange: logPaused,
  });
  const notYet = setTimeout(() => {
    const reason = fanOut.lastErrorCode ? ` (${fanOut.lastErrorCode})` : '';
    console.warn(`relay: redis not reachable yet${reason}, retrying`);
  }, REDIS_CONNECT_TIMEOUT_MS);
  notYet.unref();
  void fanOut.whenUp().then(() => clearTimeout(notYet));
  return fanOut;
};

const main = async (): Promise<void> => {
  let relay: RunningRelay;
  try {
    const config = readRelayConfig(process.env);
    const fanOut = startRedisFanOut();
    relay = await startRelay(fanOut === undefined ? config : { ...config, fanOut });
  } catch (error) {
    // Configuration mistakes and listen errors (EADDRINUSE…) as one readable line.
    const message =
      error instanceof RelayConfigError || (error instanceof Error && 'code' in error)
        ? error.message
        : String(error);
    console.error(`relay: cannot start: ${message}`);
    process.exit(1);
  }
  console.info(`Tandem relay listening on ${relay.url} (signaling at /signal)`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second signal means "now"
    stopping = true;
    console.info(`relay: ${signal}, closing`);
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

await main();
