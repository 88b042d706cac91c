import { test as base, expect } from '@playwright/test';
import { saveScreenshot } from '../support/artifacts.js';
import { collectConsoleErrors } from '../support/console.js';
import { startGateway, type RunningGateway } from '../support/gateway.js';

// Plain Playwright test: no pre-authorized context, as a new user's browser.
let gateway: RunningGateway;
base.beforeAll(async () => {
  gateway = await startGateway();
});
base.afterAll(async () => {
  await gateway.stop();
});

base('the printed link hands the token to the UI, which then drops it from the address bar', async ({ page }) => {
  const errors = collectConsoleErrors(page);
  await page.goto(`${gateway.url}/ui/#token=${gateway.token}`);
  await expect(page.getByRole('heading', { name: 'No traffic recorded yet' })).toBeVisible();
  await expect(page.getByText(/open the link the gateway printed/i)).toHaveCount(0);
  expect(page.url()).not.toContain(gateway.token);
  expect(page.url()).not.toContain('#token');
  // A reload keeps working: the token stayed in this origin's storage.
  await page.reload();
  await expect(page.getByText(/open the link the gateway printed/i)).toHaveCount(0);
  await saveScreenshot(page, 'token-handoff');
  expect(errors).toEqual([]);
});

base('without the token the page explains how to get in, and shows no data', async ({ page }) => {
  await page.goto(`${gateway.url}/ui/`);
  await expect(page.getByText(/open the link the gateway printed/i).first()).toBeVisible();
  await saveScreenshot(page, 'token-missing');
});

base('a wrong token is refused like none', async ({ page }) => {
  await page.goto(`${gateway.url}/ui/#token=not-the-right-token`);
  await expect(page.getByText(/open the link the gateway printed/i).first()).toBeVisible();
});
