import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli, startGatewayProcess, tempHome, waitFor } from '../test-support/cli.js';

let home: string;
let cleanup: () => void;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
});
afterEach(async () => {
  await runCli(home, ['stop']);
  cleanup();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Row {
  kind: string;
  method: string | null;
  isError: boolean;
}

async function recorded(url: string, server = 'demo'): Promise<Row[]> {
  const token = readFileSync(join(home, 'token'), 'utf8').trim();
  const response = await fetch(`${url}/api/messages?server=${server}&limit=500`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { messages: Row[] }).messages;
}

function registry(): Record<string, { command?: string; args?: string[]; url?: string }> {
  return (JSON.parse(readFileSync(join(home, 'mcp.json'), 'utf8')) as { mcpServers: Record<string, { command?: string; args?: string[] }> }).mcpServers;
}

describe('mcp-gateway demo', () => {
  it('registers server "demo" without a gateway, and starts none', async () => {
    const result = await runCli(home, ['demo']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Registered server "demo"');
    expect(registry().demo).toEqual({ command: process.execPath, args: [CLI, 'demo-server'] });
    expect(existsSync(join(home, 'gateway.json'))).toBe(false);
    // Again: nothing changes.
    expect((await runCli(home, ['demo'])).stdout).toContain('Server "demo" is registered');
  });

  it('--traffic starts a gateway when none runs and records every kind of row', async () => {
    const port = await freePort();
    const result = await runCli(home, ['demo', '--traffic', '--port', String(port)]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('12 calls, 1 answered with a JSON-RPC error, 1 with isError');
    await waitFor(async () => (await recorded(`http://127.0.0.1:${port}`)).some((r) => r.method === 'ping' && r.kind === 'response'), 3000, 'the session');
    const all = await recorded(`http://127.0.0.1:${port}`);
    const kinds = new Set(all.map((r) => `${r.kind} ${r.method}`));
    for (const expected of ['request initialize', 'notification notifications/progress', 'notification notifications/message', 'error tools/call', 'response resources/read', 'response prompts/get']) {
      expect(kinds, expected).toContain(expected);
    }
    expect(all.some((r) => r.kind === 'response' && r.method === 'tools/call' && r.isError)).toBe(true);
  });

  it('--traffic uses a running gateway, and the inspector button does the same through POST /api/demo', async () => {
    const gateway = await startGatewayProcess(home);
    try {
      const result = await runCli(home, ['demo', '--traffic']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Proxy URL: ${gateway.url}/s/demo/mcp`);
      const before = (await recorded(gateway.url)).length;
      expect(before).toBeGreaterThan(20);
      const response = await fetch(`${gateway.url}/api/demo`, { method: 'POST', headers: { ...gateway.auth, 'content-type': 'application/json' }, body: JSON.stringify({ traffic: true }) });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ server: 'demo', proxyUrl: `${gateway.url}/s/demo/mcp`, registered: 'unchanged', traffic: { calls: 12, errors: 1, toolErrors: 1 } });
      await waitFor(async () => (await recorded(gateway.url)).length >= before * 2, 3000, 'a second session');
    } finally {
      await gateway.stop();
    }
  });

  it('never replaces a server named demo that is not the demo, unless --force', async () => {
    expect((await runCli(home, ['server', 'add', 'demo', 'http://127.0.0.1:9/mcp'])).code).toBe(0);
    const refused = await runCli(home, ['demo']);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('is not the demo');
    expect(registry().demo?.url).toBe('http://127.0.0.1:9/mcp');
    expect((await runCli(home, ['demo', '--force'])).code).toBe(0);
    expect(registry().demo?.args).toEqual([CLI, 'demo-server']);
  });
});

describe('mcp-gateway ui', () => {
  it('opens the signed-in link with the platform opener, and prints it when there is none', async () => {
    const gateway = await startGatewayProcess(home);
    try {
      const token = readFileSync(join(home, 'token'), 'utf8').trim();
      const link = `${gateway.url}/ui/#token=${token}`;
      // A stand-in xdg-open that writes down what it was asked to open.
      const bin = join(home, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > "${join(home, 'opened')}"\n`);
      chmodSync(join(bin, 'xdg-open'), 0o755);
      const opened = await runCli(home, ['ui'], { PATH: `${bin}:/usr/bin:/bin` });
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stdout).toContain(`Opened the inspector in your browser: ${link}`);
      await waitFor(async () => existsSync(join(home, 'opened')), 3000, 'the opener');
      expect(readFileSync(join(home, 'opened'), 'utf8')).toBe(link);

      const none = await runCli(home, ['ui'], { PATH: join(home, 'empty') });
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toContain(`open this link yourself: ${link}`);
    } finally {
      await gateway.stop();
    }
  });

  it('says how to start a gateway when none runs (exit 1)', async () => {
    const result = await runCli(home, ['ui']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no gateway is running');
    expect(result.stderr).toContain('mcp-gateway start');
  });
});

describe('help of the client commands', () => {
  it.each([
    [['import'], ['<client>', '--apply', '--rewrite', '--force', '--project', '--file', '--port', 'claude-desktop', 'gemini']],
    [['restore'], ['[client]', '--all', '--force']],
    [['connect'], ['<name>', '--port', 'stderr', 'mcp-gateway stop']],
    [['stop'], ['--home']],
    [['demo'], ['--traffic', '--force', '--port']],
    [['ui'], ['--home']],
  ])('%j --help exits 0 and lists its options', async (command, mentions) => {
    const result = await runCli(home, [...command, '--help']);
    expect(result.code).toBe(0);
    for (const mention of mentions) expect(result.stdout).toContain(mention);
  });

  it('the top-level help lists them, not the hidden demo-server', async () => {
    const result = await runCli(home, ['--help']);
    for (const name of ['import', 'restore', 'connect', 'stop', 'demo', 'ui']) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(result.stdout).not.toContain('demo-server');
  });
});
