import type { AuditRecord } from '@mcp-gateway/gateway';
import type { FaultView } from '@mcp-gateway/gateway/types';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';
import { callEcho, startUpstream, type Upstream } from '../test-support/upstream.js';

describe('mcp-gateway fault', () => {
  let home: string;
  let cleanup: () => void;
  let upstream: Upstream;

  beforeAll(async () => {
    ({ home, cleanup } = tempHome());
    upstream = await startUpstream();
    expect((await runCli(home, ['server', 'add', 'echo', upstream.url])).code).toBe(0);
  });

  afterAll(async () => {
    await upstream?.close();
    cleanup?.();
  });

  it('refuses flags that do not fit the action, or values out of range, with exit 2', async () => {
    const wrong = await runCli(home, ['fault', 'add', 'echo', '--action', 'delay', '--status', '500']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--status does not apply to --action delay; it takes --ms, --jitter, --on/);
    const missing = await runCli(home, ['fault', 'add', 'echo', '--action', 'delay']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/action\.ms/);
    expect((await runCli(home, ['fault', 'add', 'echo', '--action', 'error', '--probability', '2'])).code).toBe(2);
    expect((await runCli(home, ['fault', 'add', 'echo', '--action', 'rewrite', '--patch', 'not json'])).stderr).toMatch(/--patch must be a JSON array/);
  });

  it('without a gateway: writes mcp.json (ttl as expiresAt), lists, removes and clears it, audited as the CLI', async () => {
    const added = await runCli(home, ['fault', 'add', 'echo', '--action', 'delay', '--ms', '2000', '--tool', 'echo', '--ttl', '600', '--id', 'slow', '--json']);
    expect(added.code, added.stderr).toBe(0);
    const view = JSON.parse(added.stdout) as FaultView;
    expect(view).toMatchObject({ id: 'slow', server: 'echo', action: { type: 'delay', ms: 2000 }, match: { tool: 'echo' } });
    const file = JSON.parse(readFileSync(join(home, 'mcp.json'), 'utf8')) as { faults: unknown[] };
    expect(file.faults).toEqual([{ id: 'slow', server: 'echo', match: { tool: 'echo' }, action: { type: 'delay', ms: 2000 }, expiresAt: view.expiresAt }]);
    const list = await runCli(home, ['fault', 'list']);
    expect(list.stdout).toMatch(/slow\s+echo\s+delay 2000 ms on tool echo requests \(until .*\)\s+-\s+active/);
    expect((await runCli(home, ['fault', 'add', 'echo', '--action', 'hang', '--id', 'slow'])).stderr).toMatch(/exists/);
    expect((await runCli(home, ['fault', 'remove', 'nope'])).code).toBe(2);
    expect((await runCli(home, ['fault', 'remove', 'slow'])).stdout).toBe('Removed fault rule slow.\n');
    expect((await runCli(home, ['fault', 'add', 'echo', '--action', 'hang'])).code).toBe(0);
    expect((await runCli(home, ['fault', 'clear'])).stdout).toMatch(/Removed 1 fault rule/);
    const audit = JSON.parse((await runCli(home, ['audit', '--json'])).stdout) as AuditRecord[];
    expect(audit.filter((e) => e.event.startsWith('fault')).map((e) => `${e.event} ${e.source}`)).toEqual(['fault.added cli', 'fault.removed cli', 'fault.added cli', 'faults.cleared cli']);
  });

  describe('with a gateway running', () => {
    let gateway: GatewayProcess;
    beforeAll(async () => {
      gateway = await startGatewayProcess(home);
    });
    afterAll(async () => {
      await gateway?.stop('SIGKILL');
    });

    it('adding a delay to one tool takes one command, and it acts at once; list shows it fired', async () => {
      const added = await runCli(home, ['fault', 'add', 'echo', '--action', 'delay', '--ms', '400', '--tool', 'echo']);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(/^Added fault rule (f-[0-9a-f]{6}): delay 400 ms on tool echo requests\.\nIt acts on traffic now/);
      const started = Date.now();
      await callEcho(`${gateway.url}/s/echo/mcp`, 'slow');
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      const listed = JSON.parse((await runCli(home, ['fault', 'list', '--json'])).stdout) as { faults: FaultView[] };
      expect(listed.faults).toHaveLength(1);
      expect(listed.faults[0]).toMatchObject({ fired: 1, active: true });
      const health = (await (await fetch(`${gateway.url}/api/health`, { headers: gateway.auth })).json()) as { faults: FaultView[] };
      expect(health.faults.map((f) => f.id)).toEqual([listed.faults[0]?.id]);
      expect((await runCli(home, ['fault', 'remove', listed.faults[0]?.id ?? ''])).code).toBe(0);
      await waitFor(async () => ((await (await fetch(`${gateway.url}/api/faults`, { headers: gateway.auth })).json()) as { faults: unknown[] }).faults.length === 0, 2000, 'the rule to go');
      const audit = JSON.parse((await runCli(home, ['audit', '--json'])).stdout) as AuditRecord[];
      expect(audit.filter((e) => e.event.startsWith('fault')).slice(-2).map((e) => `${e.event} ${e.source}`)).toEqual(['fault.added api', 'fault.removed api']);
    });
  });
});
