// Where the gateway's cost goes. Not a target: evidence for the misses.
// (a) The same sequential tools/call through reference proxies, alternating with direct
//     and the gateway: a bare Node proxy (node:http + undici + pipe), a Hono proxy shaped
//     like the gateway's (Request.body + ReadableStream relay), and the same Hono proxy
//     reading the body with arrayBuffer(). Latency and the proxy process's CPU per call.
// (b) In-process micro-benchmarks of the built recording path (dist): redactor, recorder
//     (classify, pair, redact, queue), writer; microseconds of CPU per proxied call.
import { join } from 'node:path';
import { closeAll, connect, connectMany, echo, type BenchClient } from '../lib/client.js';
import type { Ctx } from '../lib/context.js';
import { importDist, type DistDb, type DistWriter } from '../lib/dist.js';
import { BENCH_DIR, procCpuSplit, startScript, tempDir } from '../lib/procs.js';
import { delta, ratio } from '../lib/report.js';
import { alternate, median, percentile } from '../lib/stats.js';
import { timeCalls } from './latency.js';
import { window } from './throughput.js';

interface Target {
  name: string;
  url: string;
  pid: number | null;
  client?: BenchClient;
  samples: number[];
  user: number;
  sys: number;
  calls: number;
}

async function proxies(ctx: Ctx, mode: 'json' | 'sse'): Promise<Record<string, unknown>> {
  const gw = await ctx.gateway();
  const map = JSON.stringify({ json: ctx.upstream.url('json'), sse: ctx.upstream.url('sse') });
  const refs = await Promise.all(
    ['node-pipe', 'hono-stream', 'hono-buffer'].map(async (m) => ({ m, proc: await startScript(join(BENCH_DIR, 'baseline-proxy.mjs'), [m, map], `reference proxy ${m}`) })),
  );
  const targets: Target[] = [
    { name: 'direct', url: ctx.upstream.url(mode), pid: null, samples: [], user: 0, sys: 0, calls: 0 },
    ...refs.map(({ m, proc }) => ({ name: m, url: `${proc.url}/s/${mode}/mcp`, pid: proc.pid, samples: [], user: 0, sys: 0, calls: 0 })),
    { name: 'gateway', url: gw.proxyUrl(mode), pid: gw.pid, samples: [], user: 0, sys: 0, calls: 0 },
  ];
  try {
    for (const t of targets) {
      t.client = await connect(t.url);
      for (let i = 0; i < 150; i++) await echo(t.client);
    }
    const rounds = ctx.options.quick ? 3 : 4;
    const perRound = ctx.options.quick ? 150 : 250;
    for (let r = 0; r < rounds; r++) {
      const order = alternate(targets, r);
      for (const t of order) {
        const before = t.pid ? procCpuSplit(t.pid) : { user: 0, sys: 0 };
        await timeCalls(t.client as BenchClient, perRound, t.samples);
        const after = t.pid ? procCpuSplit(t.pid) : { user: 0, sys: 0 };
        t.user += after.user - before.user;
        t.sys += after.sys - before.sys;
        t.calls += perRound;
      }
    }
    const direct = targets[0] as Target;
    const dp50 = percentile(direct.samples, 50);
    const out: Record<string, unknown> = {};
    for (const t of targets.slice(1)) {
      const p50 = percentile(t.samples, 50);
      const userUs = (t.user / t.calls) * 1000;
      const sysUs = (t.sys / t.calls) * 1000;
      out[t.name] = { p50, p99: percentile(t.samples, 99), userUsPerCall: userUs, sysUsPerCall: sysUs };
      ctx.results.add({
        section: 'breakdown',
        metric: `${t.name}: p50, CPU/call (${mode})`,
        unit: 'ms',
        direct: dp50,
        gateway: p50,
        compare: delta(p50, dp50, 'ms'),
        target: '',
        pass: null,
        note: `${t.name === 'gateway' ? 'the gateway' : `reference proxy ${t.name}`}: ${(userUs + sysUs).toFixed(0)} µs CPU per call (user ${userUs.toFixed(0)}, sys ${sysUs.toFixed(0)})`,
      });
    }
    out.direct = { p50: dp50, p99: percentile(direct.samples, 99) };
    ctx.log(`breakdown ${mode}: ${Object.entries(out).map(([k, v]) => `${k} p50 ${(v as { p50: number }).p50.toFixed(3)}`).join(', ')}`);
    return out;
  } finally {
    for (const t of targets) await t.client?.close().catch(() => undefined);
    for (const { proc } of refs) await proc.stop();
  }
}

/** Typical bytes of one echo round trip, as the SDK sends them. */
const REQUEST = '{"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello from the bench"}},"jsonrpc":"2.0","id":42}';
const RESPONSE = '{"result":{"content":[{"type":"text","text":"hello from the bench"}]},"jsonrpc":"2.0","id":42}';
const REQUEST_HEADERS = {
  host: '127.0.0.1:3333',
  connection: 'keep-alive',
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-session-id': '7c0f8d7e-5a6b-4c3d-9e2f-1a2b3c4d5e6f',
  'mcp-protocol-version': '2025-06-18',
  'user-agent': 'node',
  'accept-language': '*',
  'sec-fetch-mode': 'cors',
  'accept-encoding': 'gzip, deflate',
  'content-length': '118',
};
const RESPONSE_HEADERS = {
  'content-type': 'application/json',
  'mcp-session-id': '7c0f8d7e-5a6b-4c3d-9e2f-1a2b3c4d5e6f',
  date: 'Sat, 21 Nov 2026 20:00:00 GMT',
  connection: 'keep-alive',
  'keep-alive': 'timeout=5',
  'content-length': '96',
};

function timeIt(n: number, fn: (i: number) => void): number {
  for (let i = 0; i < Math.min(2000, n); i++) fn(i); // warm, let V8 optimize
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return ((performance.now() - t0) / n) * 1000;
}

async function timeItAsync(n: number, fn: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < Math.min(2000, n); i++) await fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return ((performance.now() - t0) / n) * 1000;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function micro(ctx: Ctx): Promise<Record<string, unknown>> {
  const { createRedactor } = await importDist<{ createRedactor(o?: { knownSecrets?: string[] }): { headers(h: Record<string, string>): unknown; message(t: string, v?: unknown): unknown; text(s: string): unknown } }>('redact/index.js');
  const { Recorder } = await importDist<{ Recorder: new (o: unknown) => { beginExchange(init: unknown): Record<string, (...a: unknown[]) => void> } }>('capture/recorder.js');
  const { BodyCollector } = await importDist<{ BodyCollector: new (max: number) => { push(b: Uint8Array): void; finish(): unknown } }>('capture/body-collector.js');
  const { SseParser } = await importDist<{ SseParser: new (o: { maxDataBytes: number; onEvent(e: unknown): void }) => { push(b: Uint8Array): void; end(): void } }>('capture/sse-parser.js');
  const { openDatabase } = await importDist<DistDb>('store/db.js');
  const { Writer } = await importDist<DistWriter>('store/writer.js');
  const n = ctx.options.quick ? 5_000 : 20_000;
  const redactor = createRedactor({ knownSecrets: ['Bearer bench-secret-token-0123456789abcdef'] });
  const parsedRequest = JSON.parse(REQUEST);
  const out: Record<string, number> = {};
  out.redactRequestHeadersUs = timeIt(n, () => redactor.headers(REQUEST_HEADERS));
  out.redactRequestBodyUs = timeIt(n, () => redactor.message(REQUEST, parsedRequest));
  out.redactResponseBodyUs = timeIt(n, () => redactor.message(RESPONSE, JSON.parse(RESPONSE)));
  const reqBuf = Buffer.from(REQUEST);
  const resBuf = Buffer.from(RESPONSE);
  let ops = 0;
  let ids = 0;
  const nullSink = { allocateMessageId: () => ++ids, allocateExchangeId: () => ++ids, enqueue: () => void ops++ };
  const exchange = (recorder: { beginExchange(init: unknown): Record<string, (...a: unknown[]) => void> }, i: number, sse: boolean): void => {
    const capture = recorder.beginExchange({ server: 'json', sessionId: 's1', method: 'POST', path: '/s/json/mcp', requestHeaders: REQUEST_HEADERS });
    const c1 = new BodyCollector(16 * 1024 * 1024);
    c1.push(reqBuf);
    capture.clientBody!(c1.finish());
    capture.upstreamResponse!(200, sse ? { ...RESPONSE_HEADERS, 'content-type': 'text/event-stream' } : RESPONSE_HEADERS);
    if (sse) {
      const parser = new SseParser({ maxDataBytes: 16 * 1024 * 1024, onEvent: (e) => capture.serverEvent!(e, 'post-sse') });
      parser.push(Buffer.from(`event: message\nid: ${i}\ndata: ${RESPONSE}\n\n`));
      parser.end();
    } else {
      const c2 = new BodyCollector(16 * 1024 * 1024);
      c2.push(resBuf);
      capture.serverBody!(c2.finish());
    }
    capture.finish!();
  };
  const recorder = new Recorder({ sink: nullSink, redactorFor: () => redactor });
  out.recordExchangeJsonUs = timeIt(n, (i) => exchange(recorder, i, false));
  out.recordExchangeSseUs = timeIt(n, (i) => exchange(recorder, i, true));
  out.opsPerExchange = ops / (2 * (n + Math.min(2000, n)));
  // The same with the real writer (SQLite, batched, on its thread): what storing adds to the main thread.
  // Replies come in between calls (an await every exchange), as they would between requests.
  const microFile = join(tempDir('micro'), 'logs.db');
  const { sqlite } = openDatabase(microFile, { busyTimeoutMs: 100 });
  const writer = new Writer({ sqlite, workerFile: microFile });
  await writer.ready();
  const stored = new Recorder({ sink: writer, redactorFor: () => redactor });
  const turnUs = await timeItAsync(n, nextTurn);
  const withTurnUs = await timeItAsync(n, async (i) => {
    exchange(stored, i, false);
    if (i % 30 === 29) void writer.flush(); // a batch every 50 ms at ~600 calls/s
    await nextTurn();
  });
  out.recordAndStoreExchangeJsonUs = withTurnUs - turnUs;
  await writer.close();
  sqlite.close();
  // How long handing one batch to the writer thread holds the event loop (the commit itself runs on the thread).
  const flushes: number[] = [];
  {
    const flushFile = join(tempDir('flush'), 'logs.db');
    const { sqlite: db2 } = openDatabase(flushFile, { busyTimeoutMs: 100 });
    const w2 = new Writer({ sqlite: db2, workerFile: flushFile });
    await w2.ready();
    const r2 = new Recorder({ sink: w2, redactorFor: () => redactor });
    const exchanges = ctx.options.quick ? 6_000 : 15_000;
    for (let i = 0; i < exchanges; i++) {
      exchange(r2, i, i % 2 === 0);
      if (i % 30 === 29) {
        const t0 = performance.now();
        const committed = w2.flush();
        flushes.push(performance.now() - t0);
        await committed;
      }
    }
    await w2.close();
    db2.close();
  }
  out.flushP50Ms = percentile(flushes, 50);
  out.flushP99Ms = percentile(flushes, 99);
  out.flushMaxMs = Math.max(...flushes);
  out.flushesOver5Ms = flushes.filter((f) => f > 5).length;
  out.flushes = flushes.length;
  for (const [k, v] of Object.entries(out)) out[k] = Number(v.toFixed(2));
  ctx.results.add({
    section: 'breakdown',
    metric: 'handing 30 exchanges to the writer thread (event loop blocked)',
    unit: 'ms',
    direct: null,
    gateway: out.flushP99Ms as number,
    compare: `p50 ${out.flushP50Ms} ms, max ${out.flushMaxMs} ms`,
    target: '',
    pass: null,
    note: `p99 shown; ${out.flushesOver5Ms} of ${out.flushes} took over 5 ms. Only the hand-off (copying the batch to the writer thread) runs on the event loop; the INSERTs, index and trigger upkeep and WAL checkpoints run on the writer thread`,
  });
  ctx.results.add({
    section: 'breakdown',
    metric: 'recording path, in process, per echo call',
    unit: 'µs',
    direct: null,
    gateway: out.recordAndStoreExchangeJsonUs as number,
    compare: `${out.recordExchangeJsonUs} µs w/o SQLite`,
    target: '',
    pass: null,
    note: `dist Recorder + redactor (+ Writer): request-header redaction ${out.redactRequestHeadersUs} µs, request body ${out.redactRequestBodyUs} µs, response body ${out.redactResponseBodyUs} µs; whole exchange ${out.recordExchangeJsonUs} µs (json) / ${out.recordExchangeSseUs} µs (sse), ${out.opsPerExchange} write ops per exchange`,
  });
  ctx.log(`breakdown micro: ${JSON.stringify(out)}`);
  return out;
}

/** 64 sessions through the bare reference proxy: the throughput any Node hop costs on this machine. */
async function throughputFloor(ctx: Ctx): Promise<Record<string, unknown>> {
  const gw = await ctx.gateway();
  const map = JSON.stringify({ json: ctx.upstream.url('json'), sse: ctx.upstream.url('sse') });
  const ref = await startScript(join(BENCH_DIR, 'baseline-proxy.mjs'), ['node-pipe', map], 'reference proxy node-pipe');
  const sets: Record<string, BenchClient[]> = {};
  try {
    sets.direct = await connectMany(ctx.upstream.url('json'), 64);
    sets['node-pipe'] = await connectMany(`${ref.url}/s/json/mcp`, 64);
    sets.gateway = await connectMany(gw.proxyUrl('json'), 64);
    for (const clients of Object.values(sets)) await window(clients, 300);
    const rates: Record<string, number[]> = { direct: [], 'node-pipe': [], gateway: [] };
    const rounds = ctx.options.quick ? 1 : 3;
    const ms = ctx.options.quick ? 700 : 1200;
    for (let r = 0; r < rounds; r++) {
      const names = alternate(Object.keys(sets), r);
      for (const name of names) rates[name]!.push((await window(sets[name]!, ms)).rate);
    }
    const d = median(rates.direct!);
    for (const name of ['node-pipe', 'gateway']) {
      const g = median(rates[name]!);
      ctx.results.add({
        section: 'breakdown',
        metric: `${name}: calls/s, 64 sessions (json)`,
        unit: '/s',
        direct: d,
        gateway: g,
        compare: ratio(g, d),
        target: '',
        pass: null,
        note: name === 'node-pipe' ? 'the bare reference proxy: what one extra Node process in the path costs on 2 shared cores' : undefined,
      });
    }
    ctx.log(`breakdown throughput ×64 json: ${Object.entries(rates).map(([k, v]) => `${k} ${median(v).toFixed(0)}/s`).join(', ')}`);
    return rates;
  } finally {
    for (const clients of Object.values(sets)) await closeAll(clients);
    await ref.stop();
  }
}

export async function breakdown(ctx: Ctx): Promise<void> {
  const details: Record<string, unknown> = {};
  details.throughput64 = await throughputFloor(ctx);
  details.json = await proxies(ctx, 'json');
  details.sse = await proxies(ctx, 'sse');
  details.micro = await micro(ctx);
  ctx.results.detail('breakdown', details);
}
