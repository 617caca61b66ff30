/**
 * The relay's process configuration, read from the environment:
 * PORT (8787), HOST (127.0.0.1), STATIC_DIR (dist/client), ICE_SERVERS (JSON array),
 * TURN_SECRET / TURN_URLS / TURN_TTL_SECONDS (turn-credentials.ts), RELAY_<LIMIT> for each
 * limit in limits.ts. Bad values throw RelayConfigError.
 */
import { parseIceServers } from './ice-servers.ts';
import { parseIntegerSetting, parseLimitsFromEnv } from './limits.ts';
import { DEFAULT_HOST, DEFAULT_PORT, type StartRelayOptions } from './server.ts';
import { readTurnConfig } from './turn-credentials.ts';

export const readRelayConfig = (
  env: Readonly<Record<string, string | undefined>>,
): StartRelayOptions => {
  const turn = readTurnConfig(env);
  return {
    port: parseIntegerSetting('PORT', env['PORT'], 0, 65_535) ?? DEFAULT_PORT,
    host: env['HOST']?.trim() || DEFAULT_HOST,
    limits: parseLimitsFromEnv(env),
    iceServers: parseIceServers(env['ICE_SERVERS']),
    ...(turn === undefined ? {} : { turn }),
    ...(env['STATIC_DIR'] ? { staticDir: env['STATIC_DIR'] } : {}),
  };
};
