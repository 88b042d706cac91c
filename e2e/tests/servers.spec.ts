import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { connectClient, resultText } from '../support/mcp.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

test('a server added in the UI routes traffic; it can be edited and removed; stdio shows the exact command', async ({ page, gateway, upstream }) => {
  const problems = collectConsoleProblems(page);
  await page.goto(`${gateway.url}/ui/servers`);
  await page.getByRole('button', { name: /Add (your first )?server/ }).first().click();

  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByLabel('Name', { exact: true }).fill('added-in-ui');
  await form.getByLabel('Upstream URL').fill(upstream.url);
  await form.getByRole('button', { name: 'Add server' }).click();

  const card = page.getByRole('article', { name: 'Server added-in-ui' });
  await expect(card).toBeVisible();
  await expect(card.getByText('Streamable HTTP')).toBeVisible();
  await expect(card.locator('.health')).toContainText('up');
  const proxyUrl = (await card.locator('code.proxy-url').textContent()) ?? '';
  expect(proxyUrl).toBe(`${gateway.url}/s/added-in-ui/mcp`);

  // Client snippets carry the proxy URL.
  await card.getByText('Connect a client').click();
  await expect(card.locator('pre.code')).toHaveText(`claude mcp add --transport http added-in-ui ${proxyUrl}`);
  await card.getByRole('tab', { name: 'VS Code' }).click();
  await expect(card.locator('pre.code')).toContainText('"type": "http"');
  await saveScreenshot(page, 'servers');

  // The proxy URL works: a real client call goes through and shows up in the traffic.
  const client = await connectClient(gateway, 'added-in-ui');
  try {
    expect(resultText(await client.callTool({ name: 'echo', arguments: { text: 'via the ui' } }))).toBe('via the ui');
  } finally {
    await client.close();
  }
  await card.getByRole('link', { name: 'Traffic' }).click();
  await expect(page).toHaveURL(/\/ui\/\?server=added-in-ui/);
  await expect(trafficRows(page).filter({ hasText: 'echo' })).toHaveCount(2);

  // Edit: point it elsewhere.
  await page.goto(`${gateway.url}/ui/servers`);
  await card.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit added-in-ui' });
  await expect(edit.getByLabel('Name', { exact: true })).toBeDisabled();
  await edit.getByLabel('Upstream URL').fill('http://127.0.0.1:9/mcp');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByText('http://127.0.0.1:9/mcp')).toBeVisible();

  // A stdio server: the form shows the command that will run, quoted as a shell would.
  await page.getByRole('button', { name: 'Add server' }).click();
  const stdio = page.getByRole('form', { name: 'Add a server' });
  await stdio.getByLabel('Name', { exact: true }).fill('local-tool');
  await stdio.getByLabel('stdio (command)').check();
  await stdio.getByLabel('Command', { exact: true }).fill('node');
  await stdio.getByLabel('Arguments').fill('server.js\n--root\n/tmp/my files');
  await expect(stdio.locator('.will-run pre')).toHaveText("node server.js --root '/tmp/my files'");
  await saveScreenshot(page, 'servers-stdio-form');
  await stdio.getByRole('button', { name: 'Add server' }).click();
  const stdioCard = page.getByRole('article', { name: 'Server local-tool' });
  await expect(stdioCard.getByText("node server.js --root '/tmp/my files'")).toBeVisible();
  await expect(stdioCard.getByText('stdio', { exact: true })).toBeVisible();

  // A bad entry is refused with the gateway's reason.
  await page.getByRole('button', { name: 'Add server' }).click();
  const bad = page.getByRole('form', { name: 'Add a server' });
  await bad.getByLabel('Name', { exact: true }).fill('local-tool');
  await bad.getByLabel('Upstream URL').fill(upstream.url);
  await bad.getByRole('button', { name: 'Add server' }).click();
  await expect(bad.getByRole('alert')).toContainText('already exists');
  await bad.getByRole('button', { name: 'Cancel' }).click();

  // Remove, with confirmation.
  await card.getByRole('button', { name: 'Remove' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove added-in-ui?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Remove' }).click();
  await expect(card).toHaveCount(0);
  const gone = await fetch(`${gateway.url}/s/added-in-ui/mcp`, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
  expect(gone.status).toBe(404);
  expect(problems).toEqual([]);
});
