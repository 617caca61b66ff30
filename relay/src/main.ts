/**
 * `tsx relay/src/main.ts`: the relay as a process, configured by environment (see
 * config.ts). Logs one line with its URL; closes every socket with GoingAway on SIGINT or
 * SIGTERM. Never logs what it carries.
 */
import { readRelayConfig } from './config.ts';
import { RelayConfigError } from './limits.ts';
import { startRelay, type RunningRelay } from './server.ts';

const main = async (): Promise<void> => {
  let relay: RunningRelay;
  try {
    relay = await startRelay(readRelayConfig(process.env));
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
