import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import type { Gateway } from '../support/gateway.js';
import { connectClient } from '../support/mcp.js';
import { E2E_DIR } from '../support/paths.js';
import { collectConsoleProblems } from '../support/ui.js';

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '</script><script>window.__xss=2</script>';

/** The worker's gateway is shared with later specs: leave its registry as it was. */
async function remove(gateway: Gateway, ...names: string[]): Promise<void> {
  for (const name of names) await fetch(`${gateway.url}/api/servers/${name}`, { method: 'DELETE', headers: gateway.auth });
}

/** Nothing the page was given ran, and no element was made from it: no <img> at all, one <script> (the app's). */
async function nothingRan(page: import('@playwright/test').Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
}

test('a hostile server name is refused by the API and the form; hostile command, arguments, folder and names show as text', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const post = (body: unknown) =>
    fetch(`${gateway.url}/api/servers`, { method: 'POST', headers: { ...gateway.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const refused = await post({ name: IMG, url: 'http://127.0.0.1:9/mcp' });
  expect(refused.status).toBe(400);
  const error = ((await refused.json()) as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('bad_body');
  expect(error.message).toContain('a server name is 1-64 letters, digits, "-" or "_", starting with a letter or digit');

  const folder = path.join(gateway.home, '<img src=x onerror=window.__xss=5>');
  mkdirSync(folder);
  const hostile = await post({
    name: 'hostile-stdio',
    command: 'node',
    args: ['--title=<img src=x onerror=window.__xss=3>', SCRIPT],
    env: { '<b>NAME</b>': 'value' },
    cwd: folder,
  });
  expect(hostile.status).toBe(201);
  expect((await post({ name: 'hostile-url', url: 'http://127.0.0.1:9/<img src=x onerror=window.__xss=6>/mcp', headers: { 'X-Note': IMG } })).status).toBe(201);

  await page.goto(`${gateway.url}/ui/servers`);
  const stdio = page.getByRole('article', { name: 'Server hostile-stdio' });
  await expect(stdio.getByText(`node '--title=<img src=x onerror=window.__xss=3>' '${SCRIPT}'`)).toBeVisible();
  await expect(stdio.getByText('<b>NAME</b> (values hidden)')).toBeVisible();
  await expect(stdio.getByText(`in ${folder}`)).toBeVisible();
  const http = page.getByRole('article', { name: 'Server hostile-url' });
  // The URL is shown as the gateway normalised it (percent-encoded), the header value not at all.
  await expect(http.getByText('http://127.0.0.1:9/%3Cimg%20src=x%20onerror=window.__xss=6%3E/mcp')).toBeVisible();
  await expect(http.getByText('X-Note (values hidden)')).toBeVisible();

  await page.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('form', { name: 'Add a server' });
  await form.getByLabel('Name', { exact: true }).fill(IMG);
  await form.getByLabel('Upstream URL').fill('http://127.0.0.1:9/mcp');
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form.getByRole('alert')).toHaveText('The name must be 1-64 letters, digits, "-" or "_", starting with a letter or digit.');
  await saveScreenshot(page, 'xss-servers');
  await nothingRan(page);
  expect(problems).toEqual([]);
  await remove(gateway, 'hostile-stdio', 'hostile-url');
});

test('markup a stdio server writes to stderr shows as text on the Servers page', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const added = await fetch(`${gateway.url}/api/servers`, {
    method: 'POST',
    headers: { ...gateway.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'stderr-xss', command: process.execPath, args: [path.join(E2E_DIR, 'support', 'stderr-server.mjs')] }),
  });
  expect(added.status).toBe(201);
  // The process starts with the first session; its stderr is recorded from then on.
  const client = await connectClient(gateway, 'stderr-xss');
  try {
    await page.goto(`${gateway.url}/ui/servers`);
    const card = page.getByRole('article', { name: 'Server stderr-xss' });
    await card.getByText('stderr', { exact: true }).click();
    const stderr = card.getByLabel('stderr of stderr-xss');
    await expect(stderr).toContainText(IMG);
    await expect(stderr).toContainText(SCRIPT);
    await stderr.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'xss-stderr');
    await nothingRan(page);
    expect(problems).toEqual([]);
  } finally {
    await client.close();
    await remove(gateway, 'stderr-xss');
  }
});
