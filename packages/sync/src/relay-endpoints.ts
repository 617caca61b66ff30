import { CONFIG_TIMEOUT_MS } from './constants.ts';

/** ws(s)://host/signal for an http(s) relay origin. */
export function signalUrlFor(relayUrl: string): string {
  const url = new URL('/signal', relayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

function parseIceServer(value: unknown): RTCIceServer | null {
  if (typeof value !== 'object' || value === null) return null;
  const { urls, username, credential } = value as Record<string, unknown>;
  const urlList = typeof urls === 'string' ? [urls] : urls;
  if (!Array.isArray(urlList) || urlList.length === 0) return null;
  if (!urlList.every((u) => typeof u === 'string' && /^(stun|stuns|turn|turns):/.test(u)))
    return null;
  const server: RTCIceServer = { urls: urlList as string[] };
  if (typeof username === 'string') server.username = username;
  if (typeof credential === 'string') server.credential = credential;
  return server;
}

/** Parses the relay's /config answer; anything malformed yields no ICE servers. */
export function parseIceServers(body: unknown): RTCIceServer[] {
  if (typeof body !== 'object' || body === null) return [];
  const list = (body as Record<string, unknown>).iceServers;
  if (!Array.isArray(list)) return [];
  return list.map(parseIceServer).filter((s): s is RTCIceServer => s !== null);
}

/** ICE servers from the relay's GET /config; none (host candidates only) if unreachable. */
export async function fetchIceServers(relayUrl: string): Promise<RTCIceServer[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), CONFIG_TIMEOUT_MS);
  try {
    const response = await fetch(new URL('/config', relayUrl), {
      signal: abort.signal,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
    if (!response.ok) return [];
    return parseIceServers(await response.json());
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
  }
}
