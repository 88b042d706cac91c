// Scale: (a) 1,000 concurrent HTTP sessions, each holding its GET stream open,
// all served a call while the streams stay open, and the gateway's memory per
// session; (b) 200 stdio sessions opened and abandoned without DELETE, against
// the default stdio.maxSessionsPerServer: children and descriptors.
import { join } from 'node:path';
import { Agent, request, type Dispatcher } from 'undici';
import type { Ctx } from '../lib/context.js';
import { GATEWAY_DIR, startGatewayProc, type GatewayProc } from '../lib/procs.js';
import { sleep } from '../lib/stats.js';

const MB = 1024 * 1024;
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench-sessions', version: '1' } } };

interface Vital {
  rssMB: number;
  heapMB: number;
  fds: number | null;
  children: number;
}

async function vital(gw: GatewayProc): Promise<Vital> {
  const response = await request(`${gw.url}/api/health`, { headers: gw.auth });
  const body = (await response.body.json()) as { process: { rssBytes: number; heapUsedBytes: number; openFds: number | null; children: number } };
  return { rssMB: body.process.rssBytes / MB, heapMB: body.process.heapUsedBytes / MB, fds: body.process.openFds, children: body.process.children };
}

async function post(dispatcher: Dispatcher, url: string, session: string | null, message: unknown): Promise<{ status: number; session: string | null; text: string }> {
  const response = await request(url, { method: 'POST', dispatcher, headers: { ...HEADERS, ...(session ? { 'mcp-session-id': session } : {}) }, body: JSON.stringify(message) });
  const text = await response.body.text();
  const id = response.headers['mcp-session-id'];
  return { status: response.statusCode, session: typeof id === 'string' ? id : session, text };
}

/** initialize and notifications/initialized, as a client starts. */
async function open(dispatcher: Dispatcher, url: string): Promise<string> {
  const init = await post(dispatcher, url, null, INIT);
  if (init.status !== 200 || !init.session) throw new Error(`initialize answered ${init.status}: ${init.text.slice(0, 200)}`);
  await post(dispatcher, url, init.session, { jsonrpc: '2.0', method: 'notifications/initialized' });
  return init.session;
}

/** A few at a time. */
async function inBatches<T>(count: number, width: number, one: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < count; i += width) out.push(...(await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_, j) => one(i + j)))));
  return out;
}

async function httpSessions(ctx: Ctx): Promise<void> {
  const count = ctx.options.quick ? 300 : 1000;
  const gw = await startGatewayProc({ servers: { json: { url: ctx.upstream.url('json') } } });
  const url = gw.proxyUrl('json');
  // One socket per GET stream, and a pool for the POSTs.
  const streams = new Agent({ connections: null, bodyTimeout: 0, headersTimeout: 0 });
  const calls = new Agent({ connections: 32, bodyTimeout: 0 });
  try {
    // Warm: the first sessions pay for code loading and JIT, not for being sessions.
    for (const s of await inBatches(20, 10, () => open(calls, url))) await request(url, { method: 'DELETE', dispatcher: calls, headers: { 'mcp-session-id': s } }).then((r) => r.body.text());
    await sleep(1000);
    const before = await vital(gw);
    const t0 = performance.now();
    const ids = await inBatches(count, 25, () => open(calls, url));
    // Each session's GET stream, held open: the response headers came, the body stays open.
    let ended = 0;
    const gets = await inBatches(count, 50, async (i) => {
      const response = await request(url, { method: 'GET', dispatcher: streams, headers: { accept: 'text/event-stream', 'mcp-session-id': ids[i] as string } });
      response.body.on('end', () => void ended++);
      response.body.on('error', () => undefined);
      response.body.resume();
      return response.statusCode;
    });
    const openMs = performance.now() - t0;
    await sleep(2000);
    const held = await vital(gw);
    // Every session served while all streams are open.
    const answers = await inBatches(count, 25, async (i) => {
      const r = await post(calls, url, ids[i] as string, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: `s${i}` } } });
      return r.status === 200 && r.text.includes(`"s${i}"`);
    });
    const served = answers.filter(Boolean).length;
    const streamsOpen = gets.filter((status) => status === 200).length - ended;
    const perSessionKB = ((held.rssMB - before.rssMB) * 1024) / count;
    const heapPerSessionKB = ((held.heapMB - before.heapMB) * 1024) / count;
    ctx.results.add({
      section: 'scale',
      metric: `${count.toLocaleString('en-US')} HTTP sessions holding GET streams: served`,
      unit: '',
      direct: count,
      gateway: served,
      compare: `${streamsOpen} streams open`,
      target: 'all served, all streams open',
      pass: served === count && streamsOpen === count,
      note: `opened (initialize, initialized, GET) in ${(openMs / 1000).toFixed(1)} s, 25 at a time; then one tools/call each while every stream stayed open`,
    });
    ctx.results.add({
      section: 'scale',
      metric: 'gateway memory per open session (RSS / heap)',
      unit: 'KB',
      direct: null,
      gateway: perSessionKB,
      compare: `heap ${heapPerSessionKB.toFixed(1)} KB`,
      target: '',
      pass: null,
      note: `RSS ${before.rssMB.toFixed(0)} → ${held.rssMB.toFixed(0)} MB, heap ${before.heapMB.toFixed(0)} → ${held.heapMB.toFixed(0)} MB, descriptors ${before.fds} → ${held.fds} for ${count} sessions (a client socket and an upstream socket per GET stream)`,
    });
    // And back: DELETE each; the streams end and the descriptors go.
    await inBatches(count, 50, (i) => request(url, { method: 'DELETE', dispatcher: calls, headers: { 'mcp-session-id': ids[i] as string } }).then((r) => r.body.text()));
    // The upstream sockets of the ended streams idle in the gateway's pool until its keep-alive (30 s) ends them.
    await sleep(3000);
    const soon = await vital(gw);
    await sleep(32_000);
    const after = await vital(gw);
    ctx.results.add({
      section: 'scale',
      metric: 'after DELETE of every session: descriptors, RSS',
      unit: '',
      direct: null,
      gateway: `${after.fds} fds`,
      compare: `${after.rssMB.toFixed(0)} MB`,
      target: `fds back near ${before.fds}`,
      pass: after.fds !== null && before.fds !== null ? after.fds <= before.fds + 40 : null,
      note: `35 s after; ${ended} of ${count} GET streams ended with their sessions; 3 s after, ${soon.fds} fds: the upstream sockets of the ended streams stay in the gateway's keep-alive pool for 30 s, then close. RSS is not given back to the system at once (V8 keeps its heap pages), heap ${after.heapMB.toFixed(0)} MB`,
    });
    ctx.results.detail('scale.http', { count, before, held, soon, after, openMs, served, streamsOpen });
    ctx.log(`scale: ${served}/${count} served, ${streamsOpen} streams open, ${perSessionKB.toFixed(1)} KB RSS per session; after DELETE ${after.fds} fds`);
  } finally {
    await streams.destroy().catch(() => undefined);
    await calls.close().catch(() => undefined);
    await gw.stop();
  }
}

async function stdioSessions(ctx: Ctx): Promise<void> {
  const server = join(GATEWAY_DIR, 'src', 'test-support', 'stdio-minimal.mjs');
  // The default limit (stdio.maxSessionsPerServer 50), as a user has it.
  const gw = await startGatewayProc({ servers: { local: { command: process.execPath, args: [server] } } });
  const url = gw.proxyUrl('local');
  const calls = new Agent({ connections: 16 });
  try {
    const total = 200;
    let fdsAtCap: number | null = null;
    let most = 0;
    const t0 = performance.now();
    for (let i = 0; i < total; i += 4) {
      // Four at a time, each with one call, never a DELETE.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          const session = await open(calls, url);
          await post(calls, url, session, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } });
        }),
      );
      const v = await vital(gw);
      most = Math.max(most, v.children);
      if (i === 60) fdsAtCap = v.fds;
    }
    const seconds = (performance.now() - t0) / 1000;
    const end = await vital(gw);
    ctx.results.add({
      section: 'scale',
      metric: `${total} stdio sessions abandoned without DELETE: children, most / at the end`,
      unit: '',
      direct: null,
      gateway: `${most} / ${end.children}`,
      compare: `${(total / seconds).toFixed(1)} sessions/s`,
      target: '≤ 50 (stdio.maxSessionsPerServer)',
      pass: most <= 50 && end.children <= 50,
      note: 'a minimal stdio server (plain node); at the cap the least recently used idle session is closed and its process waited for',
    });
    ctx.results.add({
      section: 'scale',
      metric: 'descriptors after 64 sessions → after 200',
      unit: '',
      direct: null,
      gateway: `${fdsAtCap} → ${end.fds}`,
      compare: '',
      target: 'no growth',
      pass: fdsAtCap !== null && end.fds !== null ? end.fds <= fdsAtCap + 10 : null,
      note: 'before the cap, 200 abandoned sessions left 200 children and about 640 descriptors',
    });
    ctx.results.detail('scale.stdio', { total, most, end, fdsAtCap, seconds });
  } finally {
    await calls.close().catch(() => undefined);
    await gw.stop();
  }
}

export async function sessions(ctx: Ctx): Promise<void> {
  await httpSessions(ctx);
  await stdioSessions(ctx);
}
