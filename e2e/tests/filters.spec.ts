import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

test('the controls and the filter bar narrow the rows, live too, and live in the URL with a working back button', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await addServer(gateway, 'filt-a', upstream.url);
  await addServer(gateway, 'filt-b', upstream.url);
  const a = await connectClient(gateway, 'filt-a');
  const b = await connectClient(gateway, 'filt-b');
  try {
    await a.callTool({ name: 'echo', arguments: { text: 'apples and pears' } });
    await a.callTool({ name: 'fail', arguments: {} });
    await a.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, { onprogress: () => undefined });
    await b.callTool({ name: 'echo', arguments: { text: 'bananas' } });

    await page.goto(`${gateway.url}/ui/`);
    await expect(trafficRows(page).filter({ hasText: 'filt-b' }).first()).toBeVisible();

    // Server control.
    await page.getByLabel('Server', { exact: true }).selectOption('filt-a');
    await expect(page).toHaveURL(/server=filt-a/);
    await expect(trafficRows(page).filter({ hasText: 'filt-b' })).toHaveCount(0);
    await expect(trafficRows(page).filter({ hasText: 'filt-a' }).first()).toBeVisible();

    // Errors only.
    await page.getByLabel('Errors only').check();
    await expect(trafficRows(page)).toHaveCount(1);
    await expect(trafficRows(page)).toContainText('fail');
    await page.getByLabel('Errors only').uncheck();

    // The bar: grammar with a negation and a comparison, applied on Enter.
    const bar = page.getByRole('searchbox', { name: 'Filter messages' });
    await page.keyboard.press('/');
    await expect(bar).toBeFocused();
    await bar.fill('method:tools/call -kind:response');
    await bar.press('Enter');
    await expect(page).toHaveURL(/q=method%3Atools%2Fcall\+-kind%3Aresponse/);
    await expect(trafficRows(page)).toHaveCount(3);
    for (const row of await trafficRows(page).all()) await expect(row).toContainText('request');

    await bar.fill('tool:echo');
    await bar.press('Enter');
    await expect(trafficRows(page)).toHaveCount(2);

    // Full-text search in bodies: the call and its echoed answer.
    await bar.fill('"pears"');
    await bar.press('Enter');
    await expect(trafficRows(page)).toHaveCount(2);
    for (const row of await trafficRows(page).all()) await expect(row).toContainText('echo');

    // New matching messages arrive live; non-matching ones do not.
    await a.callTool({ name: 'echo', arguments: { text: 'more pears please' } });
    await a.callTool({ name: 'echo', arguments: { text: 'no fruit here' } });
    await expect(trafficRows(page)).toHaveCount(4);

    // Kind control together with the bar.
    await bar.fill('kind:notification');
    await bar.press('Enter');
    await expect(trafficRows(page).filter({ hasText: 'notifications/progress' })).toHaveCount(2);
    await expect(trafficRows(page).filter({ hasText: 'request' })).toHaveCount(0);

    // Something the bar does not understand is explained.
    await bar.fill('kind:banana');
    await bar.press('Enter');
    await expect(page.getByRole('alert')).toContainText('kind:banana is not a kind');
    await saveScreenshot(page, 'filters-problem');

    // Back returns to the previous filter; the URL alone restores the view.
    await page.goBack();
    await expect(bar).toHaveValue('kind:notification');
    await expect(trafficRows(page).filter({ hasText: 'notifications/progress' })).toHaveCount(2);
    await page.reload();
    await expect(page.getByLabel('Server', { exact: true })).toHaveValue('filt-a');
    await expect(bar).toHaveValue('kind:notification');
    // two progress notifications and notifications/initialized
    await expect(trafficRows(page)).toHaveCount(3);

    // Duration comparison: the slow progress call is in, and every row shown took longer than asked.
    await bar.fill('duration>30 -method:initialize');
    await bar.press('Enter');
    await expect(trafficRows(page).filter({ hasText: 'progress' })).toHaveCount(1);
    for (const cell of await page.locator('.grid-body .c-duration').allTextContents()) {
      const value = Number.parseFloat(cell.replace(/,/g, ''));
      expect(cell.endsWith(' s') ? value * 1000 : value).toBeGreaterThan(30);
    }
    await expect(trafficRows(page).filter({ hasText: 'initialize' })).toHaveCount(0);
    await saveScreenshot(page, 'filters');

    // A custom time range: from a minute ahead, nothing matches yet; back to all time, everything does.
    await bar.fill('');
    await bar.press('Enter');
    await page.getByLabel('Time range').selectOption('custom');
    const ahead = new Date(Date.now() + 60_000);
    const pad = (n: number) => String(n).padStart(2, '0');
    await page.getByLabel('From', { exact: true }).fill(
      `${ahead.getFullYear()}-${pad(ahead.getMonth() + 1)}-${pad(ahead.getDate())}T${pad(ahead.getHours())}:${pad(ahead.getMinutes())}:${pad(ahead.getSeconds())}`,
    );
    await expect(page).toHaveURL(/since=/);
    await expect(page.getByRole('heading', { name: 'No messages match' })).toBeVisible();
    await page.getByLabel('Time range').selectOption('');
    await expect(trafficRows(page).first()).toBeVisible();
  } finally {
    await a.close();
    await b.close();
  }
  expect(problems).toEqual([]);
});
