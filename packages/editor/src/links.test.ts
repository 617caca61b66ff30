import { describe, expect, it } from 'vitest';
import { parseLinkHref } from './links.ts';

describe('parseLinkHref', () => {
  it('adds https to bare domains and mailto to addresses', () => {
    expect(parseLinkHref(' francetravail.fr/emploi ')).toEqual({
      ok: true,
      href: 'https://francetravail.fr/emploi',
    });
    expect(parseLinkHref('cep@example.org')).toEqual({ ok: true, href: 'mailto:cep@example.org' });
    expect(parseLinkHref('http://example.org')).toEqual({ ok: true, href: 'http://example.org/' });
  });

  it('refuses empty input, script schemes and hosts that are not domains', () => {
    expect(parseLinkHref('  ')).toEqual({ ok: false, reason: 'empty' });
    expect(parseLinkHref('javascript:alert(1)')).toEqual({ ok: false, reason: 'scheme' });
    expect(parseLinkHref('JavaScript:alert(1)')).toEqual({ ok: false, reason: 'scheme' });
    expect(parseLinkHref('data:text/html,<b>x</b>')).toEqual({ ok: false, reason: 'scheme' });
    expect(parseLinkHref('bonjour')).toEqual({ ok: false, reason: 'invalid' });
  });
});
