import type { AuditRecord, ExportLine } from '@mcp-gateway/gateway';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { writeExport } from '../test-support/export-lines.js';
import { callEcho, startUpstream, type Upstream } from '../test-support/upstream.js';

const DAY = 86_400_000;
const servers = async (home: string) => new Set(((await runCli(home, ['logs', 'export'])).stdout.trim().split('\n').filter(Boolean)).map((l) => (JSON.parse(l) as ExportLine).server));
// The newest clear (the checks in between export, which is audited too).
const lastAudit = async (home: string) =>
  (JSON.parse((await runCli(home, ['audit', '--json'])).stdout) as AuditRecord[]).filter((e) => e.event === 'logs.cleared').at(-1);

describe('logs clear --older-than', () => {
  let cleanup: (() => void) | undefined;
  let gateway: GatewayProcess | undefined;
  let upstream: Upstream | undefined;
  afterEach(async () => {
    await gateway?.stop('SIGKILL');
    await upstream?.close();
    cleanup?.();
    gateway = upstream = cleanup = undefined;
  });

  it.each(['7', '7x', '1.5h', '-1d', '0d', 'd', '7 days'])('refuses %j with one line and exit 2', async (age) => {
    const temp = tempHome();
    cleanup = temp.cleanup;
    const result = await runCli(temp.home, ['logs', 'clear', `--older-than=${age}`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('Use a whole number and a unit: 90s, 30m, 12h or 7d');
  });

  it('through the running gateway, removes what was recorded longer ago and keeps the rest', async () => {
    const temp = tempHome();
    cleanup = temp.cleanup;
    upstream = await startUpstream();
    gateway = await startGatewayProcess(temp.home);
    expect((await runCli(temp.home, ['server', 'add', 'echo', upstream.url])).code).toBe(0);
    // Two days old, then live traffic now.
    expect((await runCli(temp.home, ['logs', 'import', writeExport(temp.home, 'old.jsonl', 3, Date.now() - 2 * DAY)])).code).toBe(0);
    await waitFor(async () => (await fetch(`${gateway!.url}/api/servers/echo`, { headers: gateway!.auth })).ok, 2000, 'the server to load');
    await callEcho(`${gateway.url}/s/echo/mcp`, 'recent');
    await waitFor(async () => (await servers(temp.home)).has('echo'), 5000, 'the call to be stored');

    const kept = await runCli(temp.home, ['logs', 'clear', '--older-than', '3d']);
    expect(kept.stdout).toBe(`Removed 0 messages older than 3d (through the gateway at ${gateway.url}).\n`);
    const result = await runCli(temp.home, ['logs', 'clear', '--older-than', '1d']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`Removed 3 messages older than 1d (through the gateway at ${gateway.url}).\n`);
    expect(await servers(temp.home)).toEqual(new Set(['echo']));
    expect(await lastAudit(temp.home)).toMatchObject({ event: 'logs.cleared', source: 'api', detail: { removed: 3 } });
  });

  it('with no gateway running, clears logs.db directly (12h, 30m, 90s alike) and writes the audit entry as the CLI', async () => {
    const temp = tempHome();
    cleanup = temp.cleanup;
    expect((await runCli(temp.home, ['logs', 'import', writeExport(temp.home, 'old.jsonl', 2, Date.now() - 13 * 3_600_000, 'old')])).code).toBe(0);
    expect((await runCli(temp.home, ['logs', 'import', writeExport(temp.home, 'mid.jsonl', 2, Date.now() - 31 * 60_000, 'mid')])).code).toBe(0);
    expect((await runCli(temp.home, ['logs', 'import', writeExport(temp.home, 'new.jsonl', 2, Date.now(), 'new')])).code).toBe(0);

    expect((await runCli(temp.home, ['logs', 'clear', '--older-than', '12h'])).stdout).toBe('Removed 2 messages older than 12h.\n');
    expect(await servers(temp.home)).toEqual(new Set(['mid', 'new']));
    expect((await runCli(temp.home, ['logs', 'clear', '--older-than', '30m', '--server', 'mid'])).stdout).toBe('Removed 2 messages of server "mid" older than 30m.\n');
    expect((await runCli(temp.home, ['logs', 'clear', '--older-than', '90s'])).stdout).toBe('Removed 0 messages older than 90s.\n');
    expect(await servers(temp.home)).toEqual(new Set(['new']));
    const entry = await lastAudit(temp.home);
    expect(entry).toMatchObject({ event: 'logs.cleared', source: 'cli', subject: null, detail: { removed: 0 } });
    expect(typeof entry?.detail.until).toBe('string');
  });
});
