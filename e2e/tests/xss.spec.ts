import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

const PAYLOAD = `<img src=x onerror="window.__pwned=1;document.title='pwned'"></script><script>window.__pwned=2</script>`;

test('markup in a message is shown as text and runs nothing', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await page.addInitScript(() => {
    (window as unknown as { __pwned: number }).__pwned = 0;
  });
  await addServer(gateway, 'xss', upstream.url);
  const client = await connectClient(gateway, 'xss', `evil <img src=x onerror=alert(1)></script>`);
  try {
    // Tool name and arguments both carry markup.
    await client.callTool({ name: 'echo', arguments: { text: PAYLOAD } });
  } finally {
    await client.close();
  }
  page.on('dialog', (dialog) => {
    throw new Error(`a dialog opened: ${dialog.message()}`);
  });
  await page.goto(`${gateway.url}/ui/?server=xss`);
  await trafficRows(page).filter({ hasText: 'echo' }).filter({ hasText: 'response' }).click();
  const pane = page.getByRole('complementary', { name: 'Message detail' });
  await expect(pane.getByText(PAYLOAD, { exact: false }).first()).toBeVisible();
  await pane.getByRole('button', { name: 'Raw' }).click();
  await expect(pane.locator('pre.raw')).toContainText('<img src=x onerror=');
  await pane.getByRole('tab', { name: 'Request' }).click();
  await expect(pane.getByText(PAYLOAD, { exact: false }).first()).toBeVisible();

  // The session page shows the client name from initialize as text too.
  await page.goto(`${gateway.url}/ui/sessions`);
  await expect(page.getByText('evil <img src=x onerror=alert(1)></script>')).toBeVisible();
  await page.getByRole('link', { name: /evil/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('<img src=x');
  await saveScreenshot(page, 'xss-session');

  await page.goto(`${gateway.url}/ui/?server=xss&q=${encodeURIComponent('"onerror"')}`);
  await trafficRows(page).filter({ hasText: 'request' }).filter({ hasText: 'echo' }).click();
  await expect(page.getByRole('complementary', { name: 'Message detail' }).getByText(PAYLOAD, { exact: false }).first()).toBeVisible();
  await saveScreenshot(page, 'xss');

  expect(await page.evaluate(() => (window as unknown as { __pwned: number }).__pwned)).toBe(0);
  expect(await page.title()).not.toBe('pwned');
  // No element was made from the payload: no <img> at all, one script (the app's).
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(problems).toEqual([]);
});
