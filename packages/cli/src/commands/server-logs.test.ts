import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, startGatewayProcess, tempHome, waitFor, type GatewayProcess } from '../test-support/cli.js';

// A stdio "server" that only says hello on stderr and answers initialize.
const SCRIPT = [
  "process.stderr.write('hello from stderr, token ghp_' + 'a'.repeat(36) + '\\n');",
  "process.stdin.on('data', (d) => { for (const line of String(d).split('\\n').filter(Boolean)) {",
  "  const m = JSON.parse(line); if (m.method === 'initialize') process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id,",
  "  result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 'tiny', version: '1' } } }) + '\\n'); } });",
].join('');

let home: ReturnType<typeof tempHome>;
let gateway: GatewayProcess | undefined;
beforeEach(() => {
  home = tempHome();
});
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  home.cleanup();
});

async function startSession(url: string): Promise<void> {
  const response = await fetch(`${url}/s/tiny/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
  });
  expect(response.status).toBe(200);
  await response.text();
}

describe('mcp-gateway server logs', () => {
  it("prints a stdio server's stderr, redacted, from the running gateway and after it stopped", async () => {
    expect((await runCli(home.home, ['server', 'add', 'tiny', '--', process.execPath, '-e', SCRIPT])).code).toBe(0);
    gateway = await startGatewayProcess(home.home);
    await startSession(gateway.url);
    let out = '';
    await waitFor(
      async () => {
        out = (await runCli(home.home, ['server', 'logs', 'tiny'])).stdout;
        return out.includes('hello from stderr');
      },
      5000,
      'the stderr line',
    );
    expect(out).toContain('[REDACTED:github-pat]');
    expect(out).not.toContain('ghp_aaaa');
    await gateway.stop();
    gateway = undefined;
    const offline = await runCli(home.home, ['server', 'logs', 'tiny', '--lines', '5']);
    expect(offline.code).toBe(0);
    expect(offline.stdout).toContain('hello from stderr');
  });

  it('refuses a bad --lines with a one-line error and exit code 2', async () => {
    const result = await runCli(home.home, ['server', 'logs', 'tiny', '--lines', 'many']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
