import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { CONTENT_SECURITY_POLICY } from './security-headers.ts';

const INDEX_HTML =
  '<!doctype html><title>Tandem</title><script type="module" src="/assets/app-3f9a.js"></script>';

let staticDir: string;

beforeAll(() => {
  staticDir = mkdtempSync(join(tmpdir(), 'tandem-app-test-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(staticDir, 'assets', 'app-3f9a.js'), 'console.info("hi")');
  writeFileSync(join(staticDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(staticDir, '.env'), 'SECRET=1');
});

afterAll(() => rmSync(staticDir, { recursive: true, force: true }));

const iceServers = [{ urls: 'stun:stun.example.org:3478' }];
const app = () => createApp({ version: '1.2.3', iceServers, staticDir });

const expectSecurityHeaders = (response: Response) => {
  expect(response.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
  expect(response.headers.get('Referrer-Policy')).toBe('no-referrer');
  expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
  expect(response.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  expect(response.headers.get('Permissions-Policy')).toMatch(/camera=\(\)/);
};

describe('relay app', () => {
  it('reports health and version', async () => {
    const response = await app().request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, version: '1.2.3' });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expectSecurityHeaders(response);
  });

  it('serves the ICE servers it was given', async () => {
    const response = await app().request('/config');
    expect(await response.json()).toEqual({ iceServers });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });

  it('uses a CSP with no inline script or style and no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
        "connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; " +
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
  });

  it('serves index.html at / without letting caches keep it', async () => {
    const response = await app().request('/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX_HTML);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    expect(response.headers.get('Cache-Control')).toBe('no-cache');
    expectSecurityHeaders(response);
  });

  it('serves hashed assets as immutable', async () => {
    const response = await app().request('/assets/app-3f9a.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('console.info("hi")');
    expect(response.headers.get('Content-Type')).toMatch(/javascript/);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=31536000, immutable');
    expectSecurityHeaders(response);
  });

  it('revalidates unhashed files', async () => {
    const response = await app().request('/favicon.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^image\/svg\+xml/);
    expect(response.headers.get('Cache-Control')).toBe('no-cache');
  });

  it('falls back to index.html for client routes', async () => {
    for (const path of ['/bilan', '/bilan/abc/', '/join?x=1']) {
      const response = await app().request(path);
      expect(response.status, path).toBe(200);
      expect(await response.text()).toBe(INDEX_HTML);
      expect(response.headers.get('Cache-Control')).toBe('no-cache');
    }
  });

  it('answers 404, with security headers, for missing assets and files', async () => {
    for (const path of ['/assets/gone-1234.js', '/missing.png', '/assets/']) {
      const response = await app().request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('Cache-Control'), path).toBe('no-cache');
      expectSecurityHeaders(response);
    }
  });

  it('never serves dotfiles', async () => {
    for (const path of ['/.env', '/assets/.env', '/.git/config']) {
      const response = await app().request(path);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('SECRET');
    }
  });

  it('never serves a file from outside the directory', async () => {
    // URL parsing resolves dot segments (even encoded) before routing, so at worst a
    // climbing path lands on a client route inside the directory.
    for (const path of [
      '/assets/%2e%2e/.env',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f.env',
      '/a/..%5c..%5c.env',
    ]) {
      const response = await app().request(path);
      const body = await response.text();
      expect([200, 404], path).toContain(response.status);
      if (response.status === 200) expect(body, path).toBe(INDEX_HTML);
    }
  });

  it('answers HEAD like GET without a body', async () => {
    const response = await app().request('/', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('does not accept other methods', async () => {
    const response = await app().request('/', { method: 'POST', body: 'x' });
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });

  it('tells plain HTTP clients that /signal needs a WebSocket upgrade', async () => {
    const response = await app().request('/signal');
    expect(response.status).toBe(426);
    expect(response.headers.get('Upgrade')).toBe('websocket');
  });

  it('serves the API alone when there is no built client', async () => {
    const apiOnly = createApp({
      version: '1.2.3',
      iceServers: [],
      staticDir: join(staticDir, 'nope'),
    });
    expect((await apiOnly.request('/healthz')).status).toBe(200);
    const response = await apiOnly.request('/');
    expect(response.status).toBe(404);
    expectSecurityHeaders(response);
  });
});
