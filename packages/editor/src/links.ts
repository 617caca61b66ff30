import { ALLOWED_LINK_PROTOCOLS } from './constants.ts';

export type LinkHrefResult =
  { ok: true; href: string } | { ok: false; reason: 'empty' | 'scheme' | 'invalid' };

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Turns what a person typed into a link target: "francetravail.fr" becomes
 * "https://francetravail.fr"; "javascript:", "data:" and other schemes are refused.
 */
export function parseLinkHref(input: string): LinkHrefResult {
  const trimmed = input.trim();
  if (!trimmed) return { ok: false, reason: 'empty' };
  const candidate = HAS_SCHEME.test(trimmed)
    ? trimmed
    : trimmed.includes('@') && !trimmed.includes('/')
      ? `mailto:${trimmed}`
      : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (!(ALLOWED_LINK_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    return { ok: false, reason: 'scheme' };
  }
  if (url.protocol !== 'mailto:' && !url.hostname.includes('.') && url.hostname !== 'localhost') {
    return { ok: false, reason: 'invalid' };
  }
  return { ok: true, href: url.href };
}
