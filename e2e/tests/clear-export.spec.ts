import { readFile } from 'node:fs/promises';
import { harProblems } from '../../packages/gateway/src/test-support/har-validator.js';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

test('export downloads the current filter as JSONL and HAR; clear asks first, then empties the table', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await addServer(gateway, 'exp-a', upstream.url);
  await addServer(gateway, 'exp-b', upstream.url);
  const a = await connectClient(gateway, 'exp-a');
  const b = await connectClient(gateway, 'exp-b');
  try {
    await a.callTool({ name: 'echo', arguments: { text: 'exported' } });
    await b.callTool({ name: 'echo', arguments: { text: 'other server' } });
  } finally {
    await a.close();
    await b.close();
  }
  await page.goto(`${gateway.url}/ui/?server=exp-a&kind=request`);
  await expect(trafficRows(page).filter({ hasText: 'echo' })).toHaveCount(1);

  // JSONL: exactly the filtered messages, one per line.
  await page.getByText('Export', { exact: true }).click();
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /JSON Lines/ }).click()]);
  expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
  const lines = (await readFile(await jsonl.path(), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { server: string; kind: string; method: string });
  expect(lines.length).toBeGreaterThanOrEqual(2);
  expect(lines.every((l) => l.server === 'exp-a' && l.kind === 'request')).toBe(true);
  expect(lines.map((l) => l.method)).toContain('tools/call');

  // HAR: a valid archive of the HTTP exchanges.
  await page.getByText('Export', { exact: true }).click();
  const [har] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /HAR/ }).click()]);
  expect(har.suggestedFilename()).toMatch(/\.har$/);
  const archive = JSON.parse(await readFile(await har.path(), 'utf8')) as { log: { version: string; entries: Array<{ request: { url: string } }> } };
  expect(harProblems(archive)).toEqual([]);
  expect(archive.log.version).toBe('1.2');
  expect(archive.log.entries.length).toBeGreaterThan(0);
  expect(archive.log.entries.every((e) => e.request.url.includes('/s/exp-a/'))).toBe(true);

  // Clear one server's messages: confirmation first; cancel keeps everything.
  await page.getByRole('button', { name: 'Clear…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clear the messages of exp-a?' });
  await expect(dialog).toBeVisible();
  await saveScreenshot(page, 'clear-confirm');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(trafficRows(page).filter({ hasText: 'echo' })).toHaveCount(1);
  // The open message goes with the clear: the pane closes instead of asking for it.
  await trafficRows(page).filter({ hasText: 'echo' }).click();
  await expect(page.getByRole('complementary', { name: 'Message detail' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear…' }).click();
  await dialog.getByRole('button', { name: 'Clear' }).click();
  await expect(page.getByRole('complementary', { name: 'Message detail' })).toBeHidden();
  await expect(trafficRows(page)).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'No messages match' })).toBeVisible();

  // The other server's messages are kept.
  await page.getByRole('button', { name: 'Clear all filters' }).click();
  await expect(trafficRows(page).filter({ hasText: 'exp-b' }).first()).toBeVisible();
  await expect(trafficRows(page).filter({ hasText: 'exp-a' })).toHaveCount(0);
  await saveScreenshot(page, 'cleared');
  expect(problems).toEqual([]);
});
