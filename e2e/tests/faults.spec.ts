import type { Page } from '@playwright/test';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/gateway.js';
import { addServer, connectClient, resultText } from '../support/mcp.js';
import { startUpstream } from '../support/upstream.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

const banner = (page: Page) => page.getByRole('status', { name: 'Fault rules active' });

test('a breakpoint added in the Faults page holds a call; edited in the UI and continued, it changes what the client receives; the banner names the rule, the traffic marks the edit', async ({
  page,
  gateway,
}) => {
  const problems = collectConsoleProblems(page);
  const upstream = await startUpstream();
  try {
    await addServer(gateway, 'fx', upstream.url);
    const client = await connectClient(gateway, 'fx', 'fault-e2e-client');

    // One form: server, action pause, tool echo, only the next; Add.
    await page.goto(`${gateway.url}/ui/faults`);
    await expect(page.getByRole('heading', { name: 'Fault rules' })).toBeVisible();
    const form = page.getByRole('form', { name: 'Add a fault rule' });
    await form.getByLabel('Server', { exact: true }).selectOption('fx');
    await form.getByLabel('Action', { exact: true }).selectOption('pause');
    await form.getByLabel('Tool', { exact: true }).fill('echo');
    await form.getByLabel('only the next message').check();
    await form.getByRole('button', { name: 'Add rule' }).click();
    await expect(banner(page)).toContainText('breakpoint (next only) on fx (tool echo)');
    const ruleId = (await page.locator('.fault-table code').first().textContent()) ?? '';
    expect(ruleId).toMatch(/^f-[0-9a-f]{6}$/);

    // The client's call is held; the page shows it, editable.
    const call = client.callTool({ name: 'echo', arguments: { text: 'from the client' } });
    const held = page.getByRole('article', { name: /^Breakpoint bp-/ });
    await expect(held).toBeVisible();
    await expect(banner(page)).toContainText('1 message is held at a breakpoint');
    const editor = held.getByLabel('Held message (JSON, editable)');
    await expect(editor).toHaveValue(/"text": "from the client"/);
    await expect(held.getByRole('button', { name: 'Continue edited' })).toBeDisabled();
    await editor.fill(((await editor.inputValue()) ?? '').replace('from the client', 'edited in the inspector'));
    await saveScreenshot(page, 'faults-breakpoint');
    await held.getByRole('button', { name: 'Continue edited' }).click();

    // The client receives what the edited request produced.
    expect(resultText(await call)).toBe('edited in the inspector');
    await expect(held).toHaveCount(0);
    // onlyNext: used up, so the banner goes; the rule stays listed as used up.
    await expect(banner(page)).toHaveCount(0);
    await expect(page.locator('.fault-table tr.inactive')).toContainText('used up');

    // In the traffic: the edited request is marked with the rule, and its Fault tab shows both sides.
    await page.goto(`${gateway.url}/ui/?server=fx`);
    const marked = trafficRows(page).filter({ has: page.locator('.injected-badge') });
    await expect(marked).toHaveCount(1);
    await marked.click();
    const pane = page.getByRole('complementary', { name: 'Message detail' });
    await expect(pane.getByText(`fault ${ruleId}`)).toBeVisible();
    await pane.getByRole('tab', { name: 'Fault' }).click();
    await expect(pane.getByRole('region', { name: 'What the server received' })).toContainText('edited in the inspector');
    await expect(pane.getByRole('region', { name: 'What the client sent' })).toContainText('from the client');
    await saveScreenshot(page, 'faults-detail');
    await client.close();
  } finally {
    await upstream.close();
  }
  expect(problems).toEqual([]);
});
