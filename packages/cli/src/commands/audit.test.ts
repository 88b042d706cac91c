import type { AuditRecord } from '@mcp-gateway/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { writeExport } from '../test-support/export-lines.js';
import { startUpstream, type Upstream } from '../test-support/upstream.js';

const brief = (entries: AuditRecord[]) => entries.map((e) => `${e.event} ${e.subject ?? '-'} ${e.source}`);

describe('mcp-gateway audit', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;
  let gateway: GatewayProcess;

  const audit = async (...args: string[]): Promise<AuditRecord[]> => {
    const result = await runCli(home, ['audit', '--json', ...args]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as AuditRecord[];
  };

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    gateway = await startGatewayProcess(home);
  });

  afterAll(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
  });

  it('says so when nothing was recorded yet', async () => {
    const { home: empty, cleanup: done } = tempHome();
    try {
      expect(await runCli(empty, ['audit'])).toEqual({ code: 0, stdout: 'No audit entries yet.\n', stderr: '' });
    } finally {
      done();
    }
  });

  it('shows, oldest first, what the running gateway recorded: a server the CLI added, a clear through the API, refused tokens', async () => {
    expect((await runCli(home, ['server', 'add', 'echo', upstream.url, '--header', 'Authorization: Bearer cli-audit-secret-1234'])).code).toBe(0);
    await waitFor(async () => (await fetch(`${gateway.url}/api/servers/echo`, { headers: gateway.auth })).ok, 2000, 'the server to load');
    expect((await runCli(home, ['logs', 'clear', '--server', 'echo'])).code).toBe(0);
    await fetch(`${gateway.url}/api/health`, { headers: { authorization: 'Bearer not-the-token-0123456789' } });

    const entries = await audit();
    expect(brief(entries)).toEqual(['server.added echo gateway', 'logs.cleared echo api', 'token.refused wrong token gateway']);
    expect(entries[2]?.detail).toEqual({ count: 1 });
    const table = await runCli(home, ['audit', '--limit', '2']);
    expect(table.stdout.trim().split('\n')).toHaveLength(2);
    expect(table.stdout).toMatch(/^\S+Z\s+logs\.cleared\s+echo\s+api\s+before=\d+ removed=0\n/);
    expect(table.stdout + JSON.stringify(entries)).not.toMatch(/cli-audit-secret|not-the-token/);
  });

  it('reads logs.db once the gateway stopped, with the CLI\'s own clears and imports', async () => {
    expect(await gateway.stop('SIGTERM')).toBe(0);
    expect((await runCli(home, ['logs', 'import', writeExport(home, 'some.jsonl', 2, Date.now())])).code).toBe(0);
    expect((await runCli(home, ['logs', 'clear'])).code).toBe(0);
    const entries = await audit('--limit', '2');
    expect(brief(entries)).toEqual(['logs.imported - cli', 'logs.cleared - cli']);
    expect(entries[0]?.detail).toMatchObject({ imported: 2 });
    expect(entries[1]?.detail).toEqual({ removed: 2 });
  });

  it('records server changes and exports the CLI made with no gateway running', async () => {
    const { home: quiet, cleanup: done } = tempHome();
    try {
      const run = async (args: string[]) => expect((await runCli(quiet, args)).code).toBe(0);
      await run(['server', 'add', 'offline', 'http://127.0.0.1:9/mcp', '--header', 'Authorization: Bearer never-in-the-audit-1234']);
      await run(['server', 'add', 'offline', 'http://127.0.0.1:8/mcp', '--force']);
      await run(['server', 'remove', 'offline']);
      await run(['logs', 'export']);
      const result = await runCli(quiet, ['audit', '--json']);
      const entries = JSON.parse(result.stdout) as AuditRecord[];
      expect(brief(entries)).toEqual(['server.added offline cli', 'server.changed offline cli', 'server.removed offline cli', 'logs.exported - cli']);
      expect(result.stdout).not.toContain('never-in-the-audit');
    } finally {
      done();
    }
  });

  it('refuses a bad --limit with exit 2', async () => {
    const result = await runCli(home, ['audit', '--limit', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Use an integer from 1 to 1000');
  });
});
