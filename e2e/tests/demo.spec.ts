// First run: the demo fills an empty inspector, from the terminal
// (`mcp-gateway demo --traffic`) or with the empty state's one button.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test as base, expect } from '@playwright/test';
import { saveScreenshot } from '../support/artifacts.js';
import { authorize, startGateway, type RunningGateway } from '../support/gateway.js';
import { CLI_MAIN } from '../support/paths.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

const run = promisify(execFile);

let gateway: RunningGateway;
base.beforeEach(async () => {
  gateway = await startGateway();
});
base.afterEach(async () => {
  await gateway.stop();
});

/** Every kind of row the demo's scripted session makes. */
async function expectDemoRows(page: import('@playwright/test').Page): Promise<void> {
  const rows = trafficRows(page);
  await expect(rows.filter({ hasText: 'count_slowly' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'notifications/progress' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'resources/read' }).first()).toBeVisible();
  await expect(rows.filter({ hasText: 'prompts/get' }).first()).toBeVisible();
  // The JSON-RPC error and the isError result both stand out.
  await expect(rows.filter({ hasText: 'fail' }).filter({ hasText: 'response' }).or(rows.filter({ hasText: 'fail' }).filter({ hasText: 'error' })).first()).toHaveClass(/row-error/);
  await expect(rows.filter({ hasText: 'report_problem' }).filter({ hasText: 'response' }).first()).toHaveClass(/row-error/);
}

base('mcp-gateway demo --traffic fills the inspector', async ({ page, context }) => {
  const problems = collectConsoleProblems(page);
  await authorize(context, gateway);
  const { stdout } = await run(process.execPath, [CLI_MAIN, '--home', gateway.home, 'demo', '--traffic'], { env: { ...process.env, MCP_GATEWAY_HOME: gateway.home } });
  expect(stdout).toContain('12 calls, 1 answered with a JSON-RPC error, 1 with isError');
  await page.goto(`${gateway.url}/ui/?server=demo`);
  await expectDemoRows(page);
  await saveScreenshot(page, 'demo-traffic');
  expect(problems).toEqual([]);
});

base("the empty inspector's button runs the demo", async ({ page, context }) => {
  const problems = collectConsoleProblems(page);
  await authorize(context, gateway);
  await page.goto(`${gateway.url}/ui/`);
  await expect(page.getByRole('heading', { name: 'No traffic recorded yet' })).toBeVisible();
  await saveScreenshot(page, 'demo-offer');
  await page.getByRole('button', { name: 'Run the demo' }).click();
  await expectDemoRows(page);
  const servers = (await (await fetch(`${gateway.url}/api/servers`, { headers: gateway.auth })).json()) as { servers: Array<{ name: string; type: string }> };
  expect(servers.servers).toEqual([expect.objectContaining({ name: 'demo', type: 'stdio' })]);
  await saveScreenshot(page, 'demo-button');
  expect(problems).toEqual([]);
});
