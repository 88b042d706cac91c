/** Helpers for driving the inspector page. */
import type { Page } from '@playwright/test';

/**
 * Collects console errors AND warnings (CSP violations are reported as errors) and
 * uncaught page errors. Read the array at the end of the test; expect it to be [].
 */
export function collectConsoleProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const loc = msg.location();
    if (/\/favicon\.ico$/.test(loc.url) && /Failed to load resource/.test(msg.text())) return;
    problems.push(`console.${msg.type()}: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  return problems;
}

/** The visible traffic rows (data rows of the grid). */
export const trafficRows = (page: Page) => page.locator('.grid-body [role="row"]');

/** The row of a JSON-RPC method and optional target (tool name), first match. */
export function rowFor(page: Page, text: string) {
  return trafficRows(page).filter({ hasText: text });
}
