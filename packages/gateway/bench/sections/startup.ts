// 6. Start-up: spawn `mcp-gateway start` to the first proxied tools/call answer.
import { spawn } from 'node:child_process';
import { SERVERS, type Ctx } from '../lib/context.js';
import { startGatewayProc } from '../lib/procs.js';
import { median } from '../lib/stats.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' };

/** An initialized session made directly at the upstream, so the first proxied request can be a tools/call. */
async function directSession(url: string): Promise<string> {
  const init = await fetch(url, {
    method: 'POST',
    headers: HEADERS,
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }),
  });
  await init.text();
  const session = init.headers.get('mcp-session-id');
  if (!session) throw new Error('upstream gave no session id');
  const note = await fetch(url, { method: 'POST', headers: { ...HEADERS, 'mcp-session-id': session }, body: '{"jsonrpc":"2.0","method":"notifications/initialized"}' });
  await note.text();
  return session;
}

async function toolsCall(url: string, session: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...HEADERS, 'mcp-session-id': session },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'first' } } }),
  });
}

function bareNode(): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    child.once('exit', () => resolve(performance.now() - t0));
    child.once('error', reject);
  });
}

export async function startup(ctx: Ctx): Promise<void> {
  const runs = ctx.options.quick ? 3 : 5;
  const firstResponse: number[] = [];
  const listening: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(await bareNode());
    const session = await directSession(ctx.upstream.url('json'));
    const gw = await startGatewayProc({ servers: SERVERS(ctx.upstream) });
    try {
      const response = await toolsCall(gw.proxyUrl('json'), session);
      const body = await response.text();
      if (response.status !== 200 || !body.includes('first')) throw new Error(`first proxied call answered ${response.status}: ${body.slice(0, 200)}`);
      firstResponse.push(performance.now() - gw.spawnedAt);
      listening.push(gw.listenMs);
    } finally {
      await gw.stop();
    }
  }
  const m = median(firstResponse);
  ctx.results.add({
    section: 'startup',
    metric: `spawn → first proxied tools/call (median of ${runs})`,
    unit: 'ms',
    direct: median(node),
    gateway: m,
    compare: `listening after ${median(listening).toFixed(0)} ms`,
    target: '≤ 1000 ms',
    pass: m <= 1000,
    note: 'direct column: a bare `node -e 0` start and exit on this machine, for scale; fresh home each run (creates and migrates logs.db)',
  });
  ctx.results.detail('startup', { firstResponseMs: firstResponse, listeningMs: listening, bareNodeMs: node });
  ctx.log(`startup: first proxied answer after ${m.toFixed(0)} ms (listening ${median(listening).toFixed(0)} ms, bare node ${median(node).toFixed(0)} ms)`);
}
