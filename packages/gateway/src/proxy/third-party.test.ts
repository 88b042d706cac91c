// Servers and clients nobody on this team wrote, through the gateway:
// @modelcontextprotocol/server-everything (Streamable HTTP and stdio), the MCP
// Inspector's CLI mode, and the @modelcontextprotocol/conformance suite.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../test-support/gateway.js';

const run = promisify(execFile);
const modules = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/', import.meta.url));
const EVERYTHING = join(modules, 'server-everything/dist/index.js');
const INSPECTOR_DIR = join(modules, 'inspector-cli/build');
const CONFORMANCE = join(modules, 'conformance/dist/index.js');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startEverything(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('listening on port')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server-everything exited with ${String(code)}: ${seen}`)));
  });
  return child;
}

const text = (result: unknown) => ((result as { content: Array<{ text: string }> }).content[0]?.text ?? '');

let everything: ChildProcess;
let everythingUrl: string;
let gateway: TestGateway;

beforeAll(async () => {
  const port = await freePort();
  everything = await startEverything(port);
  everythingUrl = `http://127.0.0.1:${port}/mcp`;
  gateway = await startTestGateway({
    everything: { url: everythingUrl },
    'everything-stdio': { command: process.execPath, args: [EVERYTHING, 'stdio'] },
  });
}, 30_000);

afterAll(async () => {
  await gateway.stop();
  everything.kill();
});

describe.each(['everything', 'everything-stdio'])('server-everything through /s/%s/mcp', (name) => {
  it('works with an SDK client as it does directly, and every message is recorded', async () => {
    const before = gateway.messages().length;
    const client = new Client({ name: 'third-party-test', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(`${gateway.url}/s/${name}/mcp`));
    await client.connect(transport);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    expect(text(await client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } }))).toBe('Echo: through the gateway');
    const progress: number[] = [];
    await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.3, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([1, 2, 3]);
    expect((await client.listResources()).resources.length).toBeGreaterThan(0);
    const sessionId = transport.sessionId;
    await transport.terminateSession();
    await client.close();

    const rows = gateway.messages().slice(before).filter((r) => r.sessionId === sessionId);
    const requests = rows.filter((r) => r.kind === 'request' && r.direction === 'client_to_server');
    expect(requests.map((r) => r.method)).toEqual(['initialize', 'tools/list', 'tools/call', 'tools/call', 'resources/list']);
    for (const request of requests) expect(rows.find((r) => r.id === request.pairedId)?.method).toBe(request.method);
    expect(rows.filter((r) => r.method === 'notifications/progress')).toHaveLength(3);
  });

  it('answers the MCP Inspector CLI', async () => {
    // The inspector CLI resolves its own package.json against the working folder.
    const options = { cwd: INSPECTOR_DIR, timeout: 30_000 };
    const url = `${gateway.url}/s/${name}/mcp`;
    const listed = await run(process.execPath, ['index.js', url, '--transport', 'http', '--method', 'tools/list'], options);
    expect((JSON.parse(listed.stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('get-sum');
    const called = await run(process.execPath, ['index.js', url, '--transport', 'http', '--method', 'tools/call', '--tool-name', 'get-sum', '--tool-arg', 'a=2', 'b=40'], options);
    expect(called.stdout).toContain('42');
    expect(gateway.messages().some((r) => r.method === 'tools/call' && r.body.includes('get-sum') && r.server === name)).toBe(true);
  });
});

describe('the MCP conformance suite', () => {
  type Results = Record<string, Record<string, string>>;
  async function conformance(url: string): Promise<Results> {
    const out = mkdtempSync(join(tmpdir(), 'conformance-'));
    try {
      // Exits non-zero when any scenario fails, which it does against a server that is not the suite's reference.
      await run(process.execPath, [CONFORMANCE, 'server', '--url', url, '-o', out], { timeout: 120_000 }).catch(() => undefined);
      const results: Results = {};
      for (const folder of readdirSync(out)) {
        const scenario = folder.replace(/-\d{4}-\d{2}-\d{2}T[\d-]+Z$/, '');
        const checks = JSON.parse(readFileSync(join(out, folder, 'checks.json'), 'utf8')) as Array<{ id: string; status: string }>;
        results[scenario] = Object.fromEntries(checks.map((c) => [c.id, c.status]));
      }
      return results;
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }

  it('gives the same result for every scenario directly and through the gateway', async () => {
    const direct = await conformance(everythingUrl);
    const proxied = await conformance(`${gateway.url}/s/everything/mcp`);
    expect(Object.keys(direct).length).toBeGreaterThan(20);
    expect(Object.keys(proxied).sort()).toEqual(Object.keys(direct).sort());
    // The one expected difference: the gateway checks Host itself, so a server
    // without DNS-rebinding protection gains it behind the gateway.
    const { 'server-dns-rebinding-protection': rebindingDirect, ...restDirect } = direct;
    const { 'server-dns-rebinding-protection': rebindingProxied, ...restProxied } = proxied;
    expect(restProxied).toEqual(restDirect);
    expect(Object.values(rebindingProxied ?? {}).every((status) => status === 'SUCCESS')).toBe(true);
    expect(rebindingDirect).toBeDefined();
  }, 180_000);
});
