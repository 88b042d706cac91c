import { saveScreenshot } from '../support/artifacts.js';
import { expect, startGateway, test, type RunningGateway } from '../support/gateway.js';
import { collectConsoleProblems } from '../support/ui.js';

// A gateway of its own: these tests need one that has never seen a server or a message.
let fresh: RunningGateway;
test.beforeAll(async () => {
  fresh = await startGateway();
});
test.afterAll(async () => {
  await fresh.stop();
});

test('a new user is taught the first steps, in light and dark, at 1280 and 800 px', async ({ page }) => {
  const problems = collectConsoleProblems(page);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${fresh.url}/ui/#token=${fresh.token}`);
  await expect(page.getByRole('heading', { name: 'No traffic recorded yet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Add the MCP server you want to watch/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: /Point your client at the gateway's proxy URL/ })).toBeVisible();
  await saveScreenshot(page, 'onboarding-light');

  // The system's dark mode is followed...
  await page.emulateMedia({ colorScheme: 'dark' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await background()).toBe('rgb(20, 23, 28)');
  await saveScreenshot(page, 'onboarding-dark');
  // ...unless the toggle says otherwise, and the choice survives a reload.
  await page.getByRole('button', { name: /^Theme: system/ }).click();
  await expect(page.getByRole('button', { name: /^Theme: light/ })).toBeVisible();
  expect(await background()).toBe('rgb(255, 255, 255)');
  await page.reload();
  expect(await background()).toBe('rgb(255, 255, 255)');
  await page.getByRole('button', { name: /^Theme: light/ }).click();
  await expect(page.getByRole('button', { name: /^Theme: dark/ })).toBeVisible();
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background()).toBe('rgb(20, 23, 28)');

  // The first step's link leads to the form.
  await page.getByRole('link', { name: 'Add a server' }).click();
  await expect(page.getByRole('form', { name: 'Add a server' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'No servers yet' })).toBeVisible();

  // Usable at 800 px: nothing overflows sideways, navigation and filters are reachable.
  await page.setViewportSize({ width: 800, height: 700 });
  await page.getByRole('link', { name: 'Traffic', exact: true }).click();
  await expect(page.getByRole('searchbox', { name: 'Filter messages' })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  for (const name of ['Servers', 'Sessions', 'Stats']) await expect(page.getByRole('link', { name, exact: true })).toBeVisible();
  await saveScreenshot(page, 'onboarding-800-dark');

  // Every control has an accessible name.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, input, select, textarea, a[href]')]
      .filter((el) => {
        const labelled = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || (el as HTMLInputElement).labels?.length;
        return !labelled && !(el.textContent ?? '').trim() && !el.getAttribute('title');
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
  expect(problems).toEqual([]);
});

test('every page shows a clear way forward when the API refuses the browser (401)', async ({ page }) => {
  await page.route('**/api/**', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":{"code":"unauthorized","message":"token required"}}' }));
  await page.goto(`${fresh.url}/ui/servers`);
  await expect(page.getByRole('heading', { name: 'Not authorized' })).toBeVisible();
  await expect(page.getByText(/Open the link the gateway printed/)).toBeVisible();
  await saveScreenshot(page, 'not-authorized');
});
