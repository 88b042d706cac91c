import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ExportLine } from '@mcp-gateway/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { harProblems } from '../test-support/gateway-helpers.js';
import { callEcho, startUpstream, type Upstream } from '../test-support/upstream.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Export lines with ids replaced by their position, so two exports compare "apart from ids". */
function withoutIds(jsonl: string): unknown[] {
  const lines = jsonl.trim().split('\n').map((l) => JSON.parse(l) as ExportLine);
  const position = new Map(lines.map((l, i) => [l.id, i]));
  const at = (id: number | null) => (id === null ? null : position.get(id));
  return lines.map((l) => ({ ...l, id: at(l.id), pairedId: at(l.pairedId), relatedId: at(l.relatedId) }));
}

describe('logs export --format har, logs import and server health', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    gateway = await startGatewayProcess(home);
    expect((await runCli(home, ['server', 'add', 'echo', upstream.url, '--header', 'Authorization: Bearer cli-har-secret-1234'])).code).toBe(0);
    await waitFor(async () => (await fetch(`${gateway.url}/api/servers/echo`, { headers: gateway.auth })).ok, 2000, 'the gateway to load the server');
    await callEcho(`${gateway.url}/s/echo/mcp`, 'archived', { Authorization: 'Bearer cli-client-secret-5678' });
    await waitFor(async () => (await runCli(home, ['logs', 'export'])).stdout.includes('"archived"'), 5000, 'the call to be stored');
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
  });

  it('exports an HTTP Archive without credentials', async () => {
    const result = await runCli(home, ['logs', 'export', '--format', 'har']);
    expect(result.code, result.stderr).toBe(0);
    const har = JSON.parse(result.stdout) as { log: { version: string; creator: { name: string }; entries: Array<{ request: { url: string; postData?: { text: string } }; response: { content: { text?: string } } }> } };
    expect(await harProblems(har)).toEqual([]);
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('mcp-gateway');
    const call = har.log.entries.find((e) => e.request.postData?.text.includes('"archived"'));
    expect(call?.request.url).toBe(`${gateway.url}/s/echo/mcp`);
    expect(call?.response.content.text).toContain('archived');
    expect(result.stdout).not.toMatch(/cli-client-secret-5678|cli-har-secret-1234|"authorization"/i);

    const file = join(home, 'traffic.har');
    const out = await runCli(home, ['logs', 'export', '--format', 'har', '--include-secrets', '--out', file]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toBe(`Exported an HTTP Archive to ${file}\n`);
    const withSecrets = readFileSync(file, 'utf8');
    expect(await harProblems(JSON.parse(withSecrets))).toEqual([]);
    expect(withSecrets).toMatch(/"authorization","value":"Bearer \[REDACTED:/i);
    expect(withSecrets).not.toContain('cli-client-secret-5678');
  });

  it('imports an export into an empty home, directly and through a running gateway', async () => {
    const file = join(home, 'export.jsonl');
    expect((await runCli(home, ['logs', 'export', '--out', file])).code).toBe(0);
    const original = readFileSync(file, 'utf8');
    const count = original.trim().split('\n').length;

    const { home: other, cleanup: done } = tempHome();
    try {
      const direct = await runCli(other, ['logs', 'import', file]);
      expect(direct.code, direct.stderr).toBe(0);
      expect(direct.stdout).toBe(`Imported ${count} messages (ids 1-${count}).\n`);
      expect(withoutIds((await runCli(other, ['logs', 'export'])).stdout)).toEqual(withoutIds(original));

      const running = await startGatewayProcess(other);
      try {
        const through = await runCli(other, ['logs', 'import', file]);
        expect(through.code, through.stderr).toBe(0);
        expect(through.stdout).toBe(`Imported ${count} messages (ids ${count + 1}-${2 * count}) through the gateway at ${running.url}.\n`);
      } finally {
        await running.stop();
      }
    } finally {
      done();
    }
  });

  it('refuses a bad file naming its lines, and a missing file', async () => {
    const bad = join(home, 'bad.jsonl');
    writeFileSync(bad, '{"id": 1}\nnot json\n');
    const result = await runCli(home, ['logs', 'import', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*bad\.jsonl: nothing imported: line 1: .*; line 2: not JSON/);
    const missing = await runCli(home, ['logs', 'import', join(home, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: cannot read .*nope\.jsonl: no such file/);
  });

  it('server health says up or down, and exits 1 when down', async () => {
    const up = await runCli(home, ['server', 'health', 'echo']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^echo: up \(HTTP \d{3} in \d+\.\d ms, checked .*\)\n$/);
    const json = await runCli(home, ['server', 'health', 'echo', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ server: 'echo', type: 'http', status: 'up' });

    expect((await runCli(home, ['server', 'add', 'dead', `http://127.0.0.1:${await closedPort()}/mcp`])).code).toBe(0);
    await waitFor(async () => (await fetch(`${gateway.url}/api/servers/dead`, { headers: gateway.auth })).ok, 2000, 'the gateway to load the server');
    const down = await runCli(home, ['server', 'health', 'dead']);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^dead: down \(ECONNREFUSED/);
    expect(down.stderr).toBe('error: server "dead" is down\n');

    const unknown = await runCli(home, ['server', 'health', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: no server named "nope"/);

    // Without a gateway the CLI checks from here, the same way.
    await gateway.stop('SIGTERM');
    const direct = await runCli(home, ['server', 'health', 'echo']);
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stdout).toMatch(/^echo: up/);
  });
});
