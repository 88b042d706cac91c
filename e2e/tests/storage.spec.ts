import path from 'node:path';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/fixtures.js';
import { authorize, startGateway, type RunningGateway } from '../support/gateway.js';
import { addServer, connectClient, resultText } from '../support/mcp.js';
import { E2E_DIR } from '../support/paths.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

async function disk(gateway: RunningGateway, command: 'full' | 'space'): Promise<void> {
  gateway.process.stdin?.write(`${command}\n`);
  await expect.poll(() => gateway.logs().includes(`disk: ${command}`)).toBe(true);
}

test('a full disk shows on every page while traffic keeps flowing, and goes away when space returns', async ({ page, context, upstream }) => {
  const problems = collectConsoleProblems(page);
  const gateway = await startGateway({ entry: path.join(E2E_DIR, 'support', 'disk-full-gateway.mjs') });
  await addServer(gateway, 'up', upstream.url);
  const client = await connectClient(gateway, 'up');
  try {
    await authorize(context, gateway);
    await page.goto(`${gateway.url}/ui/`);
    const banner = page.getByRole('alert').filter({ hasText: 'Recording is failing' });
    await expect(trafficRows(page).first()).toBeVisible();
    await expect(banner).toHaveCount(0);

    await disk(gateway, 'full');
    for (let i = 0; i < 10; i++) {
      const text = `while-full-${i} ${'x'.repeat(4000)}`;
      expect(resultText(await client.callTool({ name: 'echo', arguments: { text } }))).toBe(text);
    }
    await expect(banner).toContainText('database or disk is full');
    await expect(banner).toContainText('Traffic still flows');
    const health = (await (await fetch(`${gateway.url}/api/health`, { headers: gateway.auth })).json()) as { status: string; storage: { error: string } };
    expect(health).toMatchObject({ status: 'degraded', storage: { error: 'storage write failed: database or disk is full' } });
    await saveScreenshot(page, 'storage-full');
    await page.getByRole('link', { name: 'Servers' }).click();
    await expect(banner).toBeVisible();

    await disk(gateway, 'space');
    await expect(banner).toHaveCount(0, { timeout: 10_000 });
    // What came while the disk was full was kept and written once there was room.
    await page.goto(`${gateway.url}/ui/?q=while-full-9`);
    await expect(trafficRows(page).filter({ hasText: 'echo' })).toHaveCount(2);
    expect(problems).toEqual([]);
  } finally {
    await client.close();
    await gateway.stop();
  }
});
