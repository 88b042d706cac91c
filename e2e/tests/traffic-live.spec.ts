import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, rowFor, trafficRows } from '../support/ui.js';

test('a call appears live within a second; its pair is marked, folds into one row, and the keyboard moves and opens', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await addServer(gateway, 'live', upstream.url);
  const client = await connectClient(gateway, 'live');
  try {
    await page.goto(`${gateway.url}/ui/?server=live`);
    await expect(page.locator('.status-line .live-dot')).toHaveText('live');
    await expect(rowFor(page, 'initialize').first()).toBeVisible();

    const started = Date.now();
    await client.callTool({ name: 'echo', arguments: { text: 'hello from the test' } });
    const request = trafficRows(page).filter({ hasText: 'tools/call' }).filter({ hasText: 'request' }).filter({ hasText: 'echo' });
    await expect(request).toHaveCount(1, { timeout: 1000 });
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(request).toContainText('echo');
    const response = trafficRows(page).filter({ hasText: 'tools/call' }).filter({ hasText: 'response' }).filter({ hasText: 'echo' });
    await expect(response).toHaveCount(1);
    await expect(response).toContainText('echo');
    await expect(response).toContainText(/\d+(\.\d+)? ms/);

    // Selecting one marks its pair.
    await request.click();
    await expect(request).toHaveAttribute('aria-selected', 'true');
    await expect(response).toHaveClass(/row-paired/);
    await expect(page).toHaveURL(/sel=\d+/);

    // An isError result stands out.
    await client.callTool({ name: 'fail', arguments: {} });
    const failed = trafficRows(page).filter({ hasText: 'fail' }).filter({ hasText: 'response' });
    await expect(failed).toHaveClass(/row-error/);
    await expect(failed.getByText('error', { exact: true })).toBeVisible();

    // Keyboard: Esc closes, j/k move, Enter opens.
    await expect(page.getByRole('complementary', { name: 'Message detail' })).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('complementary', { name: 'Message detail' })).toBeHidden();
    await page.keyboard.press('j');
    await expect(response).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('k');
    await expect(request).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(page.getByRole('complementary', { name: 'Message detail' })).toBeVisible();
    await saveScreenshot(page, 'traffic-live');

    // Pause freezes the table; new messages wait and are counted.
    const shown = await trafficRows(page).count();
    await page.getByRole('button', { name: 'Pause' }).click();
    await client.callTool({ name: 'echo', arguments: { text: 'while paused' } });
    await expect(page.getByRole('button', { name: 'Resume (2 new)' })).toBeVisible();
    expect(await trafficRows(page).count()).toBe(shown);
    await page.getByRole('button', { name: 'Resume (2 new)' }).click();
    await expect(trafficRows(page)).toHaveCount(shown + 2);

    // Fold: each answer joins its request.
    const before = await trafficRows(page).count();
    await page.getByRole('button', { name: /Fold pairs/ }).click();
    await expect(page).toHaveURL(/fold=1/);
    await expect(trafficRows(page).filter({ hasText: 'tools/call' })).toHaveCount(3);
    await expect(trafficRows(page).filter({ hasText: 'fail' }).getByText('error', { exact: true })).toBeVisible();
    expect(await trafficRows(page).count()).toBeLessThan(before);
    await saveScreenshot(page, 'traffic-folded');

    // Dark, and at 800 px the detail pane lies over the table and still closes.
    await page.emulateMedia({ colorScheme: 'dark' });
    await saveScreenshot(page, 'traffic-dark');
    await page.setViewportSize({ width: 800, height: 700 });
    await expect(page.getByRole('button', { name: 'Close detail (Esc)' })).toBeVisible();
    await saveScreenshot(page, 'traffic-800-detail');
    await page.getByRole('button', { name: 'Close detail (Esc)' }).click();
    await expect(trafficRows(page).first()).toBeVisible();
    await saveScreenshot(page, 'traffic-800');
  } finally {
    await client.close();
  }
  expect(problems).toEqual([]);
});
