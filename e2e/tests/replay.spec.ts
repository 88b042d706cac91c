import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Page } from '@playwright/test';
import { saveScreenshot } from '../support/artifacts.js';
import { expect, test } from '../support/gateway.js';
import { recordSession } from '../support/replay.js';
import { collectConsoleProblems, trafficRows } from '../support/ui.js';

/**
 * The browser logs every 4xx answer as a console error; a replay's 409 (confirm
 * first, session gone) and 422 (masked secrets) are questions the UI asks, not faults.
 */
function unexpected(problems: string[]): string[] {
  return problems.filter((problem) => !/Failed to load resource: the server responded with a status of (409|422) .*\/api\/messages\/\d+\/replay:/.test(problem));
}

const pane = (page: Page) => page.getByRole('complementary', { name: 'Message detail' });

/** Opens the first (recorded) request of a tool in the detail pane. */
async function openRequest(page: Page, tool: string): Promise<void> {
  await trafficRows(page).filter({ hasText: tool }).filter({ hasText: 'request' }).first().click();
  await expect(pane(page).getByRole('heading', { name: `tools/call ${tool}` })).toBeVisible();
}

test('replay from the detail pane: the same answer, then a changed one side by side with the path marked, and replay rows that link to their original', async ({
  page,
  gateway,
}) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-same');
  try {
    await recorded.client.callTool({ name: 'lookup', arguments: { key: 'alpha' } });
    await page.goto(`${gateway.url}/ui/?server=rp-same`);
    await openRequest(page, 'lookup');
    const detail = pane(page);
    const originalId = Number((await detail.locator('.detail-meta span').first().textContent())?.slice(1));

    // Replay: same answer, no differences, both durations.
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    await expect(detail.getByRole('tab', { name: 'Replay' })).toHaveAttribute('aria-selected', 'true');
    const result = detail.getByRole('region', { name: 'Replay result' });
    await expect(result.getByRole('heading', { name: /Replayed in a fresh session/ })).toBeVisible();
    await expect(result.getByText('Same answer: nothing differs')).toBeVisible();
    await expect(result.getByRole('figure', { name: /^Recorded answer #\d+ · [\d.]+ ms$/ })).toContainText('value of alpha');
    await expect(result.getByRole('figure', { name: /^New answer #\d+ · [\d.]+ ms$/ })).toContainText('value of alpha');
    await expect(result.locator('.replay-facts')).toContainText(/New answer[\d.]+ ms/);
    await expect(result.locator('.replay-facts')).toContainText(/Recorded answer[\d.]+ ms/);

    // The server changes; the same replay now shows what differs, marked on both sides.
    recorded.upstream.behaviour.suffix = ' (v2)';
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    await expect(result.getByRole('heading', { name: '1 difference' })).toBeVisible();
    const differences = result.getByRole('list', { name: 'Differences' });
    await expect(differences).toContainText('$.result.content[0].text');
    await expect(differences).toContainText('"value of alpha"');
    await expect(differences).toContainText('"value of alpha (v2)"');
    await expect(result.locator('[data-changed="before"]')).toHaveText(/"text": "value of alpha"/);
    await expect(result.locator('[data-changed="after"]')).toHaveText(/"text": "value of alpha \(v2\)"/);
    await saveScreenshot(page, 'replay-diff');
    // In the dark, and where the pane lies over the table, the marks still read.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 800, height: 900 });
    await expect(result.locator('[data-changed="after"]')).toBeVisible();
    await saveScreenshot(page, 'replay-diff-800-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });

    // The replayed rows are in the table, marked; the request's badge opens the original.
    const replayed = trafficRows(page).filter({ has: page.getByRole('button', { name: `replay of #${originalId}: open the original` }) });
    await expect(replayed).toHaveCount(2);
    await result.getByRole('link', { name: /Open the replayed request #\d+/ }).click();
    await expect(detail.getByRole('button', { name: `replay of #${originalId}: open the original` })).toBeVisible();
    await expect(page).toHaveURL(/[?&]session=[^&]+&sel=\d+&open=1/);
    await detail.getByRole('button', { name: `replay of #${originalId}: open the original` }).click();
    await expect(detail.locator('.detail-meta')).toContainText(`#${originalId}`);

    // origin:replay in the filter bar keeps only what the replays sent and got.
    await page.goto(`${gateway.url}/ui/?server=rp-same&q=${encodeURIComponent('origin:replay')}`);
    await expect(trafficRows(page).first()).toBeVisible();
    const rows = await trafficRows(page).count();
    expect(rows).toBeGreaterThanOrEqual(4);
    await expect(trafficRows(page).filter({ has: page.locator('.replay-badge') })).toHaveCount(rows);
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('edit and resend: syntax and schema errors at the field, then the edited call and what it changed', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-edit');
  try {
    await recorded.client.callTool({ name: 'lookup', arguments: { key: 'alpha' } });
    await page.goto(`${gateway.url}/ui/?server=rp-edit`);
    await openRequest(page, 'lookup');
    const detail = pane(page);
    await detail.getByRole('button', { name: '✎ Edit and resend' }).click();
    const editor = detail.getByRole('textbox', { name: 'Params of tools/call' });
    await expect(editor).toHaveValue(/"key": "alpha"/);
    await expect(detail.getByText('Valid JSON, and the recorded inputSchema of "lookup" accepts it.')).toBeVisible();

    // Not JSON: the line and what is wrong, and no send.
    await editor.fill('{\n  "name": "lookup"\n  "arguments": {}\n}');
    const findings = detail.getByRole('list', { name: 'Problems in the params' });
    await expect(findings).toContainText('line 3');
    await expect(findings).toContainText('expected a comma');
    await expect(detail.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();

    // JSON the tool's schema refuses: the path and the reason, marked in the editor.
    await editor.fill(JSON.stringify({ name: 'lookup', arguments: { key: 5 } }, null, 2));
    await expect(findings).toContainText('$.arguments.key');
    await expect(findings).toContainText('must be a string (is an integer)');
    await expect(detail.locator('mark.pe-schema')).toHaveText('5');
    await expect(detail.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    await expect(detail.getByRole('button', { name: 'Send anyway' })).toBeVisible();
    await saveScreenshot(page, 'replay-edit-schema-error');

    // A jump from the finding selects the value in the editor.
    await findings.getByRole('button', { name: 'line 4' }).click();
    expect(await editor.evaluate((area: HTMLTextAreaElement) => area.value.slice(area.selectionStart, area.selectionEnd))).toBe('5');

    await editor.fill(JSON.stringify({ name: 'lookup', arguments: { key: 'beta' } }, null, 2));
    await detail.getByRole('button', { name: 'Send', exact: true }).click();
    const result = detail.getByRole('region', { name: 'Replay result' });
    await expect(result.getByRole('list', { name: 'Differences' })).toContainText('"value of beta"');
    await expect(result.locator('[data-changed="after"]')).toHaveText(/value of beta/);
    await saveScreenshot(page, 'replay-edit-result');
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('a tool not marked read-only asks first, naming the tool and its annotations; Cancel sends nothing', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-confirm');
  try {
    await recorded.client.callTool({ name: 'store', arguments: { value: 'first' } });
    await page.goto(`${gateway.url}/ui/?server=rp-confirm`);
    await openRequest(page, 'store');
    const detail = pane(page);
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Run the tool "store" again?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('does not mark store as read-only');
    const annotations = dialog.getByRole('table');
    await expect(annotations.getByRole('row').filter({ hasText: 'readOnlyHint' })).toContainText('false');
    await expect(annotations.getByRole('row').filter({ hasText: 'destructiveHint' })).toContainText('true');
    await saveScreenshot(page, 'replay-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect(recorded.upstream.stored).toEqual(['first']);

    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    await dialog.getByRole('button', { name: 'Run it again' }).click();
    await expect(detail.getByRole('region', { name: 'Replay result' }).getByText('Same answer')).toBeVisible();
    expect(recorded.upstream.stored).toEqual(['first', 'first']);
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('masked secrets: the editor opens with their paths marked, and the typed value is sent', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-secret');
  const secret = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
  try {
    await recorded.client.callTool({ name: 'lookup', arguments: { key: secret } });
    await page.goto(`${gateway.url}/ui/?server=rp-secret`);
    await openRequest(page, 'lookup');
    const detail = pane(page);
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    const notice = detail.getByRole('alert').filter({ hasText: 'The stored copy has secrets masked' });
    await expect(notice).toContainText('$.arguments.key');
    const findings = detail.getByRole('list', { name: 'Problems in the params' });
    await expect(findings).toContainText('holds a masked secret');
    await expect(detail.locator('mark.pe-secret')).toHaveText(/^\[REDACTED:[\w.-]+\]$/);
    await expect(detail.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
    await saveScreenshot(page, 'replay-redacted');

    const editor = detail.getByRole('textbox', { name: 'Params of tools/call' });
    await editor.fill(JSON.stringify({ name: 'lookup', arguments: { key: secret } }, null, 2));
    await detail.getByRole('button', { name: 'Send', exact: true }).click();
    await expect(detail.getByRole('region', { name: 'Replay result' }).getByText('Same answer')).toBeVisible();
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('a live replay of an ended session says so and offers a fresh one', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-live');
  try {
    await recorded.client.callTool({ name: 'lookup', arguments: { key: 'alpha' } });
    await page.goto(`${gateway.url}/ui/?server=rp-live`);
    await openRequest(page, 'lookup');
    const detail = pane(page);
    // While the session lives, a live replay goes in it.
    await detail.getByRole('checkbox', { name: 'Live session' }).check();
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    await expect(detail.getByRole('region', { name: 'Replay result' }).getByRole('heading', { name: /Replayed in the original session/ })).toBeVisible();

    // The client ends it (DELETE): now the gateway says it is gone.
    await (recorded.client.transport as StreamableHTTPClientTransport).terminateSession();
    await detail.getByRole('button', { name: '↻ Replay', exact: true }).click();
    const gone = detail.getByRole('alert').filter({ hasText: 'The original session has ended' });
    await expect(gone).toBeVisible();
    await saveScreenshot(page, 'replay-session-gone');
    await gone.getByRole('button', { name: 'Replay in a fresh session' }).click();
    await expect(detail.getByRole('region', { name: 'Replay result' }).getByRole('heading', { name: /Replayed in a fresh session/ })).toBeVisible();
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('verify from a session page: passes, then fails with the diff after the server changes; tools not marked read-only only when ticked', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-verify');
  try {
    await recorded.client.callTool({ name: 'lookup', arguments: { key: 'alpha' } });
    await recorded.client.callTool({ name: 'store', arguments: { value: 'kept' } });
    await recorded.client.readResource({ uri: 'test://readme' });
    await page.goto(`${gateway.url}/ui/sessions/rp-verify/${encodeURIComponent(recorded.session)}`);
    const verify = page.getByRole('region', { name: 'Verify against the server' });
    await verify.getByRole('button', { name: 'Verify' }).click();
    const report = verify.getByRole('region', { name: 'Verify report' });
    await expect(report).toContainText('Passed: all 3 re-run requests answered as recorded.');
    await expect(report.getByRole('status')).toContainText('3 same');
    await expect(report.getByRole('status')).toContainText('1 skipped');
    await expect(report.getByRole('row').filter({ hasText: 'tools/call store' })).toContainText('skipped');
    expect(recorded.upstream.stored).toEqual(['kept']);

    recorded.upstream.behaviour.suffix = ' (v2)';
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect(report).toContainText('Failed: 2 of 3 re-run requests changed.');
    const lookup = report.getByRole('row').filter({ hasText: 'tools/call lookup' });
    await expect(lookup).toContainText('changed');
    await expect(lookup.getByRole('list', { name: 'Differences' })).toContainText('$.result.content[0].text');
    await expect(report.getByRole('row').filter({ hasText: 'resources/read' })).toContainText('$.result.contents[0].text');
    await saveScreenshot(page, 'verify-report');

    await verify.getByRole('checkbox', { name: 'also re-run tools that are not read-only' }).check();
    await verify.getByRole('button', { name: 'Verify' }).click();
    await expect(report.getByRole('status')).toContainText('0 skipped');
    await expect(report.getByRole('row').filter({ hasText: 'tools/call store' })).toContainText('same');
    expect(recorded.upstream.stored).toEqual(['kept', 'kept']);
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});

test('the composer: pick a recorded tool, start from its schema, send it in a fresh session', async ({ page, gateway }) => {
  const problems = collectConsoleProblems(page);
  const recorded = await recordSession(gateway, 'rp-compose');
  try {
    await page.goto(`${gateway.url}/ui/?server=rp-compose`);
    await page.getByRole('link', { name: '✎ Compose' }).click();
    await expect(page.getByRole('heading', { name: 'Compose a request' })).toBeVisible();
    await page.getByRole('radiogroup', { name: 'Tools' }).getByRole('radio', { name: /lookup/ }).check();
    const editor = page.getByRole('textbox', { name: 'Params of tools/call' });
    await expect(editor).toHaveValue(JSON.stringify({ name: 'lookup', arguments: { key: '' } }, null, 2));
    await editor.fill(JSON.stringify({ name: 'lookup', arguments: { key: 'gamma' } }, null, 2));
    await page.getByRole('button', { name: 'Send to rp-compose' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await expect(result.getByRole('heading', { name: /Sent in a fresh session/ })).toBeVisible();
    await expect(result).toContainText('value of gamma');
    await saveScreenshot(page, 'compose');
  } finally {
    await recorded.close();
  }
  expect(unexpected(problems)).toEqual([]);
});
