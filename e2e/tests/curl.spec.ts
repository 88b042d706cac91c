import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { addServer, connectClient } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

const run = promisify(execFile);

test('copy as curl gives a command that, run, repeats the call through the gateway', async ({ page, context, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await addServer(gateway, 'curl', upstream.url);
  const client = await connectClient(gateway, 'curl');
  try {
    await client.callTool({ name: 'echo', arguments: { text: "it's a \"quoted\" $HOME `call`" } });
    await page.goto(`${gateway.url}/ui/?server=curl`);
    // From the response row: the command repeats its request.
    await trafficRows(page).filter({ hasText: 'echo' }).filter({ hasText: 'response' }).click();
    const pane = page.getByRole('complementary', { name: 'Message detail' });
    await pane.getByRole('button', { name: 'Copy as curl' }).click();
    await expect(pane.getByText('Copied ✓')).toBeVisible();
    const command = await page.evaluate(() => navigator.clipboard.readText());
    expect(command).toContain(`${gateway.url}/s/curl/mcp`);
    expect(command).toMatch(/mcp-session-id: /i);
    await saveScreenshot(page, 'curl');

    const { stdout } = await run('sh', ['-c', command], { timeout: 10_000 });
    // The upstream answered the repeated call in the same session.
    expect(stdout).toContain(`it's a \\"quoted\\" $HOME \`call\``);
    expect(stdout).toContain('"result"');

    // And the gateway recorded the repeat: two echo requests now.
    await expect(trafficRows(page).filter({ hasText: 'echo' }).filter({ hasText: 'request' })).toHaveCount(2);
  } finally {
    await client.close();
  }
  expect(problems).toEqual([]);
});
