import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { MessagePage, ReplayResult, VerifyReport } from '@mcp-gateway/gateway';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, type GatewayProcess } from '../test-support/cli.js';
import { startUpstream, type Upstream } from '../test-support/upstream.js';

describe('mcp-gateway replay and verify', () => {
  const { home, cleanup } = tempHome();
  const behaviour = { suffix: '' };
  let upstream: Upstream;
  let gateway: GatewayProcess;
  let session: string;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    upstream = await startUpstream({ replayTools: behaviour });
    expect((await runCli(home, ['server', 'add', 'up', upstream.url])).code).toBe(0);
    gateway = await startGatewayProcess(home);
    const client = new Client({ name: 'cli-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/up/mcp`));
    await client.connect(transport);
    await client.listTools();
    await client.callTool({ name: 'lookup', arguments: { key: 'a' } });
    await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    await client.callTool({ name: 'broken', arguments: {} });
    session = transport.sessionId as string;
    await transport.terminateSession();
    await client.close();
    const page = (await (await fetch(`${gateway.url}/api/messages?method=tools/call&kind=request`, { headers: gateway.auth })).json()) as MessagePage;
    for (const m of page.messages) ids[(JSON.parse(m.body) as { params: { name: string } }).params.name] = m.id;
  }, 30_000);

  afterAll(async () => {
    await gateway?.stop();
    await upstream?.close();
    cleanup();
  });

  it('replays a read-only call: the answer, "Same answer", exit 0; --json prints the API answer', async () => {
    const human = await runCli(home, ['replay', String(ids.lookup)]);
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Replayed message \d+ \(tools\/call lookup\) in session \S+: [\d.]+ ms \(was [\d.]+ ms\)/);
    expect(human.stdout).toContain('"text": "value of a"');
    expect(human.stdout).toContain('Same answer as recorded.');

    const json = await runCli(home, ['replay', String(ids.lookup), '--json', '--params', '{"name":"lookup","arguments":{"key":"b"}}']);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as ReplayResult;
    expect(result.request).toMatchObject({ origin: 'replay', replayOf: ids.lookup });
    expect(result.diff).toEqual([{ path: '$.result.content[0].text', change: 'changed', before: 'value of a', after: 'value of b' }]);
  });

  it('needs --yes for a tool not marked read-only, and exits 1 on an isError answer', async () => {
    const refused = await runCli(home, ['replay', String(ids.echo)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Tool "echo" may change something .*; add --yes to run it\n$/);
    expect((await runCli(home, ['replay', String(ids.echo), '--yes'])).code).toBe(0);
    const broken = await runCli(home, ['replay', String(ids.broken)]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/an isError result/);
  });

  it('--edit sends what the editor saved, from a private temp file', async () => {
    const editor = join(home, 'editor.sh');
    writeFileSync(editor, `#!/bin/sh\nstat -c %a "$1" > "${join(home, 'mode')}"\nsed -i 's/"a"/"edited"/' "$1"\n`);
    chmodSync(editor, 0o700);
    const edited = await runCli(home, ['replay', String(ids.lookup), '--edit', '--json'], { EDITOR: editor, VISUAL: '' });
    expect(edited.code).toBe(0);
    expect((JSON.parse(edited.stdout) as ReplayResult).diff[0]?.after).toBe('value of edited');
    expect(readFileSync(join(home, 'mode'), 'utf8').trim()).toBe('600');
    const bad = await runCli(home, ['replay', String(ids.lookup), '--params', '[1]']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--params must be a JSON object/);
    expect((await runCli(home, ['replay', '99999'])).code).toBe(2);
  });

  it('verify passes against the same server and exits 1 with the diff after it changes; --from reads an export', async () => {
    behaviour.suffix = '';
    const pass = await runCli(home, ['verify', session, '--json']);
    const report = JSON.parse(pass.stdout) as VerifyReport;
    // broken answers isError both times: the same answer.
    expect(report).toMatchObject({ session, same: 3, changed: 0, errors: 0, skipped: 1 });
    expect(pass.code).toBe(0);

    const exportFile = join(home, 'session.jsonl');
    expect((await runCli(home, ['logs', 'export', '--out', exportFile])).code).toBe(0);
    behaviour.suffix = ' v2';
    const fail = await runCli(home, ['verify', session]);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toMatch(/changed\s+tools\/call lookup/);
    expect(fail.stdout).toContain('~ $.result.content[0].text: "value of a" → "value of a v2"');
    expect(fail.stdout).toMatch(/skipped\s+tools\/call echo .*\n.*add --yes to run it/);

    const ignored = await runCli(home, ['verify', session, '--ignore-path', '$.result.content[*].text']);
    expect(ignored.code).toBe(0);
    const fromFile = await runCli(home, ['verify', session, '--from', exportFile, '--server', 'up', '--json']);
    expect(fromFile.code).toBe(1);
    expect((JSON.parse(fromFile.stdout) as VerifyReport).changed).toBe(1);
    const missing = await runCli(home, ['verify', session, '--from', join(home, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the export .*nope\.jsonl: ENOENT/);
  });

  it('verify works without a running gateway, from the home store and from an export', async () => {
    behaviour.suffix = '';
    await gateway.stop();
    const offline = await runCli(home, ['verify', session, '--json']);
    expect(offline.code).toBe(0);
    expect((JSON.parse(offline.stdout) as VerifyReport).same).toBe(3);
    gateway = await startGatewayProcess(home);
  }, 30_000);
});
