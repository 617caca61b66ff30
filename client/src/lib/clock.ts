/**
 * The client's "now", in one place, for everything about deadlines (retention, destroy,
 * consents, the end of the bilan). It is the page's `Date.now()`: there is deliberately no
 * URL parameter or stored setting that moves it (anyone could then keep a bilan past its
 * deadline). The one supported override is the test harness faking the page's clock —
 * Playwright's `page.clock` / `context.clock` (`setFixedTime`, `install` + `fastForward`),
 * which replaces Date and the timers below it.
 */
export function now(): number {
  return Date.now();
}

/** How often an open bilan, and the home screen, check the retention deadlines. */
export const RETENTION_CHECK_INTERVAL_MS = 5_000;
