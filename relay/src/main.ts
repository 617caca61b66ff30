/**
 * `tsx relay/src/main.ts`: the relay as a process, configured by environment:
 * PORT (8787), HOST (127.0.0.1), STATIC_DIR (dist/client), ICE_SERVERS (JSON array),
 * RELAY_<LIMIT> for each limit in limits.ts.
 */
import { parseIceServers } from './ice-servers.ts';
import { parseLimitsFromEnv, RelayConfigError } from './limits.ts';
import { DEFAULT_HOST, DEFAULT_PORT, startRelay, type RunningRelay } from './server.ts';

const parsePort = (text: string | undefined): number => {
  if (text === undefined || text.trim() === '') return DEFAULT_PORT;
  const trimmed = text.trim();
  const port = Number(trimmed);
  if (!/^[0-9]+$/.test(trimmed) || port > 65_535) {
    throw new RelayConfigError(
      `PORT must be an integer between 0 and 65535, got ${JSON.stringify(text)}`,
    );
  }
  return port;
};

const readConfig = (env: NodeJS.ProcessEnv) => ({
  port: parsePort(env['PORT']),
  host: env['HOST']?.trim() || DEFAULT_HOST,
  limits: parseLimitsFromEnv(env),
  iceServers: parseIceServers(env['ICE_SERVERS']),
  ...(env['STATIC_DIR'] ? { staticDir: env['STATIC_DIR'] } : {}),
});

const main = async (): Promise<void> => {
  let relay: RunningRelay;
  try {
    relay = await startRelay(readConfig(process.env));
  } catch (error) {
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
    if (stopping) {
      // A second signal means "now".
      process.exit(1);
    }
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
