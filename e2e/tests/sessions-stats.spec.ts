import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems } from '../support/ui.js';

test('sessions show the client, protocol, counts and a waterfall; stats show rates, percentiles and charts', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await addServer(gateway, 'sess', upstream.url);
  const client = await connectClient(gateway, 'sess', 'waterfall-client');
  try {
    await client.callTool({ name: 'echo', arguments: { text: 'one' } });
    await client.callTool({ name: 'progress', arguments: { steps: 4 } }, undefined, { onprogress: () => undefined });
    await client.callTool({ name: 'fail', arguments: {} });
  } finally {
    await client.close();
  }

  await page.goto(`${gateway.url}/ui/sessions`);
  const row = page.getByRole('row').filter({ hasText: 'waterfall-client' });
  await expect(row).toContainText('3.4.5');
  await expect(row).toContainText('2025-');
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('waterfall-client');
  const waterfall = page.getByRole('table', { name: 'Calls of the session over time' });
  await expect(waterfall.getByRole('row').filter({ hasText: 'tools/call progress' })).toContainText(/\d+(\.\d)? ms/);
  await expect(waterfall.getByRole('row').filter({ hasText: 'tools/call fail' })).toHaveClass(/row-error/);
  await saveScreenshot(page, 'session-waterfall');

  // A bar's link opens the call in the traffic view.
  await waterfall.getByRole('link', { name: 'tools/call echo' }).click();
  await expect(page.getByRole('complementary', { name: 'Message detail' })).toContainText('tools/call echo');

  await page.getByRole('link', { name: 'Stats' }).click();
  const stats = page.getByRole('table').filter({ hasText: 'Error rate' });
  const tools = stats.getByRole('row').filter({ hasText: 'sess' }).filter({ hasText: 'tools/call' });
  await expect(tools).toBeVisible();
  // 3 calls: 6 messages, 1 error (the fail answer)
  await expect(tools.getByRole('cell').nth(2)).toHaveText('6');
  await expect(tools.getByRole('cell').nth(3)).toHaveText('1');
  await expect(tools.getByRole('cell').nth(4)).toHaveText('17%');
  await expect(tools.getByRole('cell').nth(6)).toHaveText(/ms$/);
  await expect(page.getByRole('img', { name: 'Calls over time' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Answer time over time' })).toBeVisible();
  await expect(page.locator('.chart rect.series-ok').first()).toBeVisible();
  await saveScreenshot(page, 'stats');
  expect(problems).toEqual([]);
});
