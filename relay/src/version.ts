import { readFileSync } from 'node:fs';

/** The relay's version, from its package.json (read once at startup, never written). */
export const readRelayVersion = (): string => {
  const parsed: unknown = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  );
  if (typeof parsed === 'object' && parsed !== null && 'version' in parsed) {
    const { version } = parsed;
    if (typeof version === 'string') return version;
  }
  return '0.0.0';
};
