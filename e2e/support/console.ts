import type { Page } from '@playwright/test';

/**
 * Starts collecting browser console errors and uncaught page errors for `page`.
 * Call before `page.goto`; read the returned array at the end (expect it to equal []).
 * A failed automatic /favicon.ico request is ignored.
 */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      // the browser's automatic /favicon.ico request is not the app's doing
      if (/\/favicon\.ico$/.test(loc.url) && /Failed to load resource/.test(msg.text())) return;
      errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return errors;
}
