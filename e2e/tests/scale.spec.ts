import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/gateway.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

const CALLS = 50_000; // 100,000 messages

/** A JSONL export of `calls` tools/call requests and their responses. */
function bulkExport(calls: number, startMs: number): string {
  const lines: string[] = [];
  for (let i = 0; i < calls; i++) {
    const requestId = 2 * i + 1;
    const at = startMs + i * 10;
    const failed = i % 97 === 0;
    const base = { server: 'bulk', sessionId: 'bulk-session-0001', method: 'tools/call', jsonrpcId: i, httpStatus: 200 };
    const request = { jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: `tool_${i % 7}`, arguments: { n: i } } };
    const response = failed
      ? { jsonrpc: '2.0', id: i, result: { isError: true, content: [{ type: 'text', text: 'failed' }] } }
      : { jsonrpc: '2.0', id: i, result: { content: [{ type: 'text', text: `answer ${i}` }] } };
    lines.push(
      JSON.stringify({ id: requestId, timestamp: new Date(at).toISOString(), direction: 'client_to_server', kind: 'request', pairedId: requestId + 1, durationMs: null, message: request, size: 90, ...base }),
      JSON.stringify({ id: requestId + 1, timestamp: new Date(at + 3).toISOString(), direction: 'server_to_client', kind: 'response', pairedId: requestId, durationMs: 3 + (i % 50), message: response, size: 80, ...base }),
    );
  }
  return `${lines.join('\n')}\n`;
}

test('100,000 live messages: all arrive once, the DOM stays small, and scrolling stays smooth', async ({ page, gateway }) => {
  test.setTimeout(90_000);
  const problems = collectConsoleProblems(page);
  await page.goto(`${gateway.url}/ui/?server=bulk`);
  await expect(page.locator('.status-line .live-dot')).toHaveText('live');

  // Imported messages are published live, faster than one stream may buffer: the page must resume without gaps or doubles.
  const body = bulkExport(CALLS, Date.now() - CALLS * 10);
  const imported = await fetch(`${gateway.url}/api/import`, { method: 'POST', headers: { ...gateway.auth, 'content-type': 'application/x-ndjson' }, body });
  expect(imported.status).toBe(200);
  await expect(page.locator('.status-line')).toContainText('100,000 messages', { timeout: 45_000 });

  // Virtualized: a few dozen rows in the DOM, whatever the total.
  expect(await trafficRows(page).count()).toBeLessThan(120);
  await expect(trafficRows(page).last()).toContainText('tools/call');

  // Jump to the top and through the middle; each frame stays short.
  const frames = await page.evaluate(async () => {
    const scroller = document.querySelector('.grid-scroll') as HTMLElement;
    const times: number[] = [];
    for (const top of [0, scroller.scrollHeight / 2, scroller.scrollHeight / 4, 1000, scroller.scrollHeight]) {
      const t0 = performance.now();
      scroller.scrollTop = top;
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      times.push(performance.now() - t0);
    }
    return times;
  });
  expect(Math.max(...frames)).toBeLessThan(250);

  // Errors stand out among them, and the filter narrows 100,000 rows at once.
  await page.getByRole('searchbox', { name: 'Filter messages' }).fill('status:error tool:tool_0');
  await page.getByRole('searchbox', { name: 'Filter messages' }).press('Enter');
  // i % 97 === 0 failed, i % 7 === 0 called tool_0: i = 0, 679, ..., 49,567
  await expect(page.locator('.status-line')).toContainText('74 messages matching', { timeout: 10_000 });
  for (const row of await trafficRows(page).all()) await expect(row).toHaveClass(/row-error/);
  await saveScreenshot(page, 'scale-100k');
  expect(problems).toEqual([]);
});
