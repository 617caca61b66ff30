import type { BrowserContext, Page } from '@playwright/test';
import { expect, test, type Party } from '../support/fixtures.ts';
import { createBilan, firstSection, joinBilan } from '../support/flows.ts';

/**
 * Browser hardening during a real create → join → type flow, in two contexts over the real
 * relay: the strict CSP is sent and enforced with no violation, no request leaves the
 * relay's origin, the link fragment (the key) is never sent anywhere (URL, header,
 * Referer, WebSocket frame), and neither the key nor the content lands in Web Storage or
 * in the console.
 */

const MARKER = 'MARQUEUR-durci-5c1e projet confidentiel';
const CSP_MESSAGE = /content security policy|refused to/i;

interface Observed {
  requests: { url: string; headers: Record<string, string> }[];
  websocketUrls: string[];
  framesSent: string[];
  console: string[];
}

/** Records everything a context sends and logs, from before its first navigation. */
async function observe(party: Party): Promise<Observed> {
  const observed: Observed = { requests: [], websocketUrls: [], framesSent: [], console: [] };
  const pending: Promise<void>[] = [];
  party.context.on('request', (request) => {
    pending.push(
      request.allHeaders().then((headers) => {
        observed.requests.push({ url: request.url(), headers });
      }),
    );
  });
  await party.context.addInitScript(() => {
    const violations: { directive: string; blocked: string }[] = [];
    Object.defineProperty(window, '__cspViolations', { value: violations });
    document.addEventListener('securitypolicyviolation', (event) => {
      violations.push({ directive: event.violatedDirective, blocked: event.blockedURI });
    });
  });
  const watch = (page: Page) => {
    page.on('console', (message) => observed.console.push(message.text()));
    page.on('websocket', (socket) => {
      observed.websocketUrls.push(socket.url());
      socket.on('framesent', (frame) =>
        observed.framesSent.push(
          typeof frame.payload === 'string' ? frame.payload : frame.payload.toString('latin1'),
        ),
      );
    });
  };
  party.context.pages().forEach(watch);
  party.context.on('page', watch);
  Object.defineProperty(observed, 'settled', { value: () => Promise.all(pending) });
  return observed;
}

const settled = (observed: Observed) =>
  (observed as unknown as { settled: () => Promise<void> }).settled();

/** Every way the key could be written: the fragment, its key part, the key in base64 and hex. */
function secretsOf(link: string): string[] {
  const fragment = link.slice(link.indexOf('#') + 1);
  const payload = Buffer.from(fragment.replace(/^v1\./, ''), 'base64url');
  const key = payload.subarray(18, 50);
  expect(key).toHaveLength(32);
  return [
    fragment,
    fragment.slice(3 + 24, 3 + 24 + 40), // base64url characters made of key bits only
    key.toString('base64url'),
    key.toString('base64'),
    key.toString('hex'),
  ];
}

/** The marker raw, JSON-escaped, or base64 at any alignment (as the relay tests check). */
function contentForms(text: string): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const forms = [text, JSON.stringify(text).slice(1, -1)];
  for (let shift = 0; shift < 3; shift++) {
    const core = bytes.subarray(shift).toString('base64').slice(4, -4);
    forms.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return forms;
}

async function webStorage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map(
        (key) => `${key}=${storage.getItem(key) ?? ''}`,
      );
    return JSON.stringify({ local: dump(localStorage), session: dump(sessionStorage) });
  });
}

async function cspViolations(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: unknown[] }).__cspViolations);
}

/** The policy is enforced, not just sent: an injected inline script and style do not apply. */
async function expectCspEnforced(page: Page, seen: Observed) {
  const consoleBefore = seen.console.length;
  const outcome = await page.evaluate(async () => {
    const script = document.createElement('script');
    script.textContent = 'document.documentElement.dataset.inlineRan = "yes"';
    document.head.append(script);
    const style = document.createElement('style');
    style.textContent = 'html { --csp-probe: applied; }';
    document.head.append(style);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const probe = getComputedStyle(document.documentElement).getPropertyValue('--csp-probe');
    script.remove();
    style.remove();
    return {
      inlineScriptRan: document.documentElement.dataset.inlineRan === 'yes',
      inlineStyleApplied: probe.trim() === 'applied',
    };
  });
  expect(outcome).toEqual({ inlineScriptRan: false, inlineStyleApplied: false });
  // The probes themselves are reported; nothing else may be. Forget them.
  await expect.poll(async () => (await cspViolations(page)).length).toBe(2);
  await page.evaluate(() => {
    (window as unknown as { __cspViolations: unknown[] }).__cspViolations.length = 0;
  });
  const probeMessages = seen.console
    .splice(consoleBefore)
    .filter((line) => !CSP_MESSAGE.test(line));
  seen.console.push(...probeMessages);
}

async function typeIn(page: Page, text: string) {
  const section = firstSection(page);
  await section.click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

test('CSP, first-party only, no key or content leaks during create → join → type', async ({
  relay,
  counsellor,
  beneficiary,
}) => {
  const observed = {
    counsellor: await observe(counsellor),
    beneficiary: await observe(beneficiary),
  };
  const documentResponse = counsellor.page.waitForResponse(
    (response) => response.request().resourceType() === 'document',
  );

  const link = await createBilan(counsellor.page);
  const csp = (await (await documentResponse).allHeaders())['content-security-policy'] ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  await expectCspEnforced(counsellor.page, observed.counsellor);

  await joinBilan(beneficiary.page, link);
  await expectCspEnforced(beneficiary.page, observed.beneficiary);
  await typeIn(counsellor.page, `${MARKER} (conseillère)`);
  await typeIn(beneficiary.page, `${MARKER} (bénéficiaire)`);
  await expect.poll(() => firstSection(beneficiary.page).textContent()).toContain('(conseillère)');
  await expect.poll(() => firstSection(counsellor.page).textContent()).toContain('(bénéficiaire)');
  // Give the local copy and the relay path time to write and send what they will.
  await counsellor.page.waitForTimeout(1_000);

  const secrets = secretsOf(link);
  const content = contentForms(MARKER);
  const origin = new URL(relay.url);
  const pages: [string, Page, BrowserContext, Observed][] = [
    ['counsellor', counsellor.page, counsellor.context, observed.counsellor],
    ['beneficiary', beneficiary.page, beneficiary.context, observed.beneficiary],
  ];
  for (const [name, page, , seen] of pages) {
    await settled(seen);
    // (a) no CSP violation, in the page or in the console.
    expect(await cspViolations(page), `${name}: CSP violations`).toEqual([]);
    expect(
      seen.console.filter((line) => CSP_MESSAGE.test(line)),
      `${name}: CSP console messages`,
    ).toEqual([]);

    // (b) nothing but the relay's origin, over HTTP or WebSocket.
    expect(seen.requests.length, `${name}: requests seen`).toBeGreaterThan(0);
    const foreign = [...seen.requests.map((r) => r.url), ...seen.websocketUrls].filter((url) => {
      const parsed = new URL(url);
      return (
        parsed.protocol !== 'data:' && parsed.protocol !== 'blob:' && parsed.host !== origin.host
      );
    });
    expect(foreign, `${name}: requests to other hosts`).toEqual([]);
    expect(seen.websocketUrls.length, `${name}: WebSockets seen`).toBeGreaterThan(0);

    // (c) the key is in no URL, no header, no frame; no Referer is sent at all.
    for (const { url, headers } of seen.requests) {
      const sent = `${url}\n${JSON.stringify(headers)}`;
      for (const secret of secrets) expect(sent, `${name}: key in a request`).not.toContain(secret);
      expect(headers['referer'], `${name}: Referer on ${url}`).toBeUndefined();
    }
    expect(seen.framesSent.length, `${name}: WebSocket frames seen`).toBeGreaterThan(0);
    for (const frame of [...seen.framesSent, ...seen.websocketUrls]) {
      for (const secret of [...secrets, ...content]) {
        expect(frame.includes(secret), `${name}: key or content in a WebSocket frame`).toBe(false);
      }
    }

    // (d) Web Storage holds neither the key nor the content.
    const storage = await webStorage(page);
    for (const secret of [...secrets, ...content]) {
      expect(storage.includes(secret), `${name}: key or content in Web Storage`).toBe(false);
    }

    // (e) nor does the console.
    const logs = seen.console.join('\n');
    for (const secret of [...secrets, ...content]) {
      expect(logs.includes(secret), `${name}: key or content in the console`).toBe(false);
    }
  }
});
