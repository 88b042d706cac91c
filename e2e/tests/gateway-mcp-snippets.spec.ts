import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/gateway.js';
import { collectConsoleProblems } from '../support/ui.js';

test('the servers page shows how to add /gateway/mcp to an agent, with the real URL and a masked token; the copied command works', async ({ page, context, gateway }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const problems = collectConsoleProblems(page);
  const url = `${gateway.url}/gateway/mcp`;
  const command = `claude mcp add --transport http mcp-gateway ${url} --header "Authorization: Bearer ${gateway.token}"`;
  await page.goto(`${gateway.url}/ui/servers`);

  const card = page.getByRole('region', { name: 'Debug with an agent' });
  await expect(card.locator('code.gateway-mcp-url')).toHaveText(url);
  const snippet = card.getByRole('tabpanel').locator('pre.code');
  // On screen the token is masked; the copy button gives the real one.
  await expect(snippet).toHaveText(`claude mcp add --transport http mcp-gateway ${url} --header "Authorization: Bearer ••••••••"`);
  await expect(card).not.toContainText(gateway.token);
  await saveScreenshot(page, 'gateway-mcp-snippets');
  await card.getByRole('button', { name: 'Copy Claude Code snippet' }).click();
  await expect(card.getByRole('button', { name: 'Copy Claude Code snippet' })).toContainText('Copied');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(command);

  // Show token reveals it in the header line and the snippets; Hide masks it again.
  await card.getByRole('button', { name: 'Show token' }).click();
  await expect(snippet).toHaveText(command);
  await expect(card.locator('code.gateway-mcp-header')).toHaveText(`Authorization: Bearer ${gateway.token}`);
  await card.getByRole('button', { name: 'Hide token' }).click();
  await expect(card).not.toContainText(gateway.token);

  // The files' shapes, copied with the token.
  const headers = { Authorization: `Bearer ${gateway.token}` };
  await card.getByRole('tab', { name: 'Cursor' }).click();
  await card.getByRole('button', { name: 'Copy Cursor snippet' }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual({ mcpServers: { 'mcp-gateway': { url, headers } } });
  await card.getByRole('tab', { name: 'VS Code' }).click();
  await card.getByRole('button', { name: 'Copy VS Code snippet' }).click();
  expect(JSON.parse(await page.evaluate(() => navigator.clipboard.readText()))).toEqual({ servers: { 'mcp-gateway': { type: 'http', url, headers } } });
  await card.getByRole('tab', { name: 'stdio' }).click();
  await expect(snippet).toContainText('"command": "mcp-gateway"');
  await saveScreenshot(page, 'gateway-mcp-snippets-stdio');

  // What Claude Code would do with the copied command: connect to its URL with its header and list the tools.
  const parsed = /^claude mcp add --transport http (\S+) (\S+) --header "([^":]+): ([^"]+)"$/.exec(copied);
  expect(parsed).not.toBeNull();
  const [, , copiedUrl = '', name = '', value = ''] = parsed ?? [];
  const client = new Client({ name: 'snippet-check', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(copiedUrl), { requestInit: { headers: { [name]: value } } }));
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['list_servers', 'search_messages', 'get_message', 'explain_error']));
  } finally {
    await client.close();
  }
  // And the same URL without the header is refused: the header is what makes it work.
  const bare = await fetch(copiedUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
  expect(bare.status).toBe(401);
  expect(problems).toEqual([]);
});
