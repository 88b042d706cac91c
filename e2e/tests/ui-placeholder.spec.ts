import { saveScreenshot } from '../support/artifacts.js';
import { collectConsoleErrors } from '../support/console.js';
import { expect, test } from '../support/gateway.js';

test('the UI is served at /ui with the MCP Gateway heading and no console errors', async ({ page, gateway }) => {
  const consoleErrors = collectConsoleErrors(page);

  const response = await page.goto(`${gateway.url}/ui`);
  expect(response?.status(), `GET ${gateway.url}/ui`).toBeLessThan(400);

  await expect(page).toHaveTitle(/mcp-gateway/);
  await expect(page.getByRole('heading', { name: /MCP Gateway/ }).first()).toBeVisible();

  // let initial API calls settle so their console errors are caught (bounded: the UI may poll or stream)
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => {});
  await saveScreenshot(page, 'ui-placeholder');
  expect(consoleErrors, 'browser console errors').toEqual([]);
});
