import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

test('the detail pane shows the message, its pair, its progress and the HTTP exchange, and copies the JSON', async ({ page, context, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addServer(gateway, 'detail', upstream.url);
  const client = await connectClient(gateway, 'detail');
  try {
    await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: () => undefined });
    await page.goto(`${gateway.url}/ui/?server=detail`);
    const request = trafficRows(page).filter({ hasText: 'progress' }).filter({ hasText: 'request' });
    await request.click();
    const pane = page.getByRole('complementary', { name: 'Message detail' });
    await expect(pane.getByRole('heading', { name: 'tools/call progress' })).toBeVisible();

    // The message itself, as a tree with search.
    await expect(pane.getByText('"progress"').first()).toBeVisible();
    await pane.getByRole('searchbox', { name: 'Search in message' }).fill('steps');
    await expect(pane.locator('mark', { hasText: 'steps' })).toBeVisible();

    // Copy JSON.
    await pane.getByRole('button', { name: 'Copy JSON' }).click();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as { method: string; params: { name: string } };
    expect(copied.method).toBe('tools/call');
    expect(copied.params.name).toBe('progress');

    // The paired response.
    await pane.getByRole('tab', { name: 'Response' }).click();
    await expect(pane.getByText('"done in 3 steps"')).toBeVisible();
    await expect(pane.getByText(/answered in|· \d/).first()).toBeVisible();

    // Its progress notifications.
    await pane.getByRole('tab', { name: 'Progress (3)' }).click();
    const progress = pane.getByRole('list', { name: 'Progress of the request' }).getByRole('listitem');
    await expect(progress).toHaveCount(3);
    await expect(progress.nth(2)).toContainText('3 / 3');
    await expect(progress.nth(2)).toContainText('step 3');
    // ... which are marked in the table as belonging to the selected request.
    await expect(trafficRows(page).filter({ hasText: 'notifications/progress' }).first()).toHaveClass(/row-paired/);
    await saveScreenshot(page, 'detail-progress');

    // The HTTP exchange: headers and the three times.
    await pane.getByRole('tab', { name: 'HTTP' }).click();
    await expect(pane.getByText(/POST \/s\/detail\/mcp → 200/)).toBeVisible();
    await expect(pane.getByText('Upstream first byte')).toBeVisible();
    await expect(pane.getByRole('table').filter({ hasText: 'Request headers' })).toContainText('mcp-session-id');
    await saveScreenshot(page, 'detail-http');

    // Raw view.
    await pane.getByRole('tab', { name: 'Message' }).click();
    await pane.getByRole('button', { name: 'Raw' }).click();
    await expect(pane.locator('pre.raw')).toContainText('"name": "progress"');
  } finally {
    await client.close();
  }
  expect(problems).toEqual([]);
});

test('a 1 MB message opens without freezing the page: raw first, the tree on request', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await addServer(gateway, 'huge', upstream.url);
  const client = await connectClient(gateway, 'huge');
  try {
    await client.callTool({ name: 'big', arguments: { bytes: 2_000_000 } });
    await page.goto(`${gateway.url}/ui/?server=huge`);
    const started = Date.now();
    await trafficRows(page).filter({ hasText: 'big' }).filter({ hasText: 'response' }).click();
    const pane = page.getByRole('complementary', { name: 'Message detail' });
    await expect(pane.getByText(/bodies are cut at 1 MiB/)).toBeVisible();
    await expect(pane.getByRole('button', { name: /Show all/ })).toBeVisible();
    expect(Date.now() - started).toBeLessThan(3000);
    // The page still answers input at once.
    const t0 = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    expect(Date.now() - t0).toBeLessThan(500);
    await pane.getByRole('button', { name: 'Tree' }).click();
    await expect(pane.getByRole('button', { name: 'Draw the tree anyway' })).toBeVisible();
    await saveScreenshot(page, 'detail-large');
  } finally {
    await client.close();
  }
  expect(problems).toEqual([]);
});
