// pnpm bench --soak: a sustained mixed load through the real gateway for
// minutes, with retention low enough that pruning runs the whole time, sampled
// every few seconds: the gateway's memory, event-loop delay, descriptors and
// children (GET /api/health), the database, WAL and search-index sizes, rows
// stored and pruned, the writer's backlog, and proxied against direct latency
// in the same window. Prints a table, writes an SVG, and judges the issue's
// targets over what follows the warm-up.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { runSoakLoad, type SoakLoadStats } from '../../src/test-support/soak-load.js';
import type { Ctx } from '../lib/context.js';
import { BENCH_DIR, GATEWAY_DIR, startGatewayProc, type GatewayProc } from '../lib/procs.js';
import { fmt } from '../lib/report.js';
import { median, percentile, sleep } from '../lib/stats.js';
import { lineChart, slope } from '../lib/svg.js';

export interface SoakPlan {
  minutes: number;
  warmupMinutes: number;
  sampleSeconds: number;
  label: string;
}

const MB = 1024 * 1024;
// Low limits, so pruning runs all the time: at the soak's few hundred messages a second the
// count fills in about a minute; large results make the size limit bite now and then.
const RETENTION = { maxMessages: 20_000, maxBytes: 32 * MB, maxAgeSeconds: 600 };
const STDIO = { maxSessionsPerServer: 6, idleMinutes: 0.5 };
const STDIO_SERVER = join(GATEWAY_DIR, 'src', 'test-support', 'stdio-server.mjs');

interface Sample {
  /** Minutes since the load started. */
  t: number;
  rssMB: number;
  heapMB: number;
  eldP99: number;
  /** The same measure in an idle Node process on the same machine: what the machine's load alone costs. */
  controlEldP99: number;
  fds: number | null;
  children: number;
  dbMB: number;
  walMB: number;
  ftsMB: number;
  rows: number;
  pruned: number;
  backlog: number;
  msgPerS: number;
  direct: { p50: number; p99: number; n: number };
  gateway: { p50: number; p99: number; n: number };
}

interface HealthBody {
  storage: { pendingWrites: number; droppedWrites: number };
  process?: { rssBytes: number; heapUsedBytes: number; eventLoopDelayP99Ms: number; openFds: number | null; children: number };
}

async function health(gw: GatewayProc): Promise<HealthBody> {
  const response = await request(`${gw.url}/api/health`, { headers: gw.auth });
  return (await response.body.json()) as HealthBody;
}

const fileMB = (file: string): number => (existsSync(file) ? statSync(file).size / MB : 0);

/** One SSE stream after another from the raw upstream, paced: steady volume for the store and the pruner. */
async function firehose(url: string, until: () => boolean, rate: number): Promise<number> {
  let events = 0;
  let id = 0;
  while (until()) {
    const response = await request(`${url}?n=${rate * 5}&rate=${rate}&size=300`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name: 'firehose', arguments: {}, _meta: { progressToken: id } } }),
    });
    for await (const chunk of response.body) events += (chunk as Buffer).toString('utf8').split('\n\n').length - 1;
  }
  return events;
}

/**
 * An idle Node process measuring its own event-loop delay the way the gateway
 * does (10 ms resolution, p99 per 5 s window): on a shared machine the
 * scheduler delays every process, and this says by how much.
 */
function controlProcess(): { p99(): number; stop(): void } {
  const script = `const { monitorEventLoopDelay } = require('node:perf_hooks');
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
setInterval(() => { process.stdout.write(String(Math.max(0, h.percentile(99) / 1e6 - 10)) + '\\n'); h.reset(); }, 5000);
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'ignore'] });
  let last = Number.NaN;
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = chunk.toString('utf8').trim().split('\n');
    last = Number(lines.at(-1));
  });
  return { p99: () => last, stop: () => void child.stdin.end() };
}

export async function soak(ctx: Ctx, plan: SoakPlan): Promise<void> {
  const upstream = ctx.upstream;
  const control = controlProcess();
  const gw = await startGatewayProc({
    servers: {
      json: { url: upstream.url('json') },
      sse: { url: upstream.url('sse') },
      raw: { url: upstream.url('raw') },
      local: { command: process.execPath, args: [STDIO_SERVER] },
    },
    settings: { retention: RETENTION, stdio: STDIO },
    // Diagnosis only (e.g. --trace-gc): BENCH_SOAK_NODE_ARGS="--trace-gc" pnpm bench --soak-quick --keep.
    nodeArgs: (process.env.BENCH_SOAK_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  ctx.log(`soak (${plan.label}): ${plan.minutes} min, warm-up ${plan.warmupMinutes} min, sample every ${plan.sampleSeconds} s; gateway pid ${gw.pid}, home ${gw.home}; retention ${JSON.stringify(RETENTION)}, stdio ${JSON.stringify(STDIO)}`);
  const dbFile = join(gw.home, 'logs.db');
  const reader = new Database(dbFile, { readonly: true });
  const countRows = reader.prepare('SELECT count(*) FROM messages').pluck();
  const everRows = reader.prepare("SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0)").pluck();
  const ftsBytes = reader.prepare("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'messages_fts%'").pluck();

  const t0 = performance.now();
  const minutes = (): number => (performance.now() - t0) / 60_000;
  const endAt = plan.minutes;
  const windowProbes = { direct: [] as number[], gateway: [] as number[] };
  const samples: Sample[] = [];
  let lastEver = 0;
  let lastT = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(plan.sampleSeconds * 1000);
      if (!sampling) break;
      try {
        const h = await health(gw);
        const t = minutes();
        const rows = countRows.get() as number;
        const ever = everRows.get() as number;
        const p = h.process;
        const take = (side: 'direct' | 'gateway') => {
          const values = windowProbes[side].splice(0);
          return { p50: percentile(values, 50), p99: percentile(values, 99), n: values.length };
        };
        const sample: Sample = {
          t,
          rssMB: (p?.rssBytes ?? Number.NaN) / MB,
          heapMB: (p?.heapUsedBytes ?? Number.NaN) / MB,
          eldP99: p?.eventLoopDelayP99Ms ?? Number.NaN,
          controlEldP99: control.p99(),
          fds: p?.openFds ?? null,
          children: p?.children ?? Number.NaN,
          dbMB: fileMB(dbFile),
          walMB: fileMB(`${dbFile}-wal`),
          ftsMB: (ftsBytes.get() as number) / MB,
          rows,
          pruned: ever - rows,
          backlog: h.storage.pendingWrites,
          msgPerS: lastT === 0 ? Number.NaN : (ever - lastEver) / ((t - lastT) * 60),
          direct: take('direct'),
          gateway: take('gateway'),
        };
        lastEver = ever;
        lastT = t;
        samples.push(sample);
        if (samples.length % Math.max(1, Math.round(60 / plan.sampleSeconds)) === 0) {
          ctx.log(
            `soak ${t.toFixed(1)} min: rss ${sample.rssMB.toFixed(0)} MB, heap ${sample.heapMB.toFixed(0)} MB, eld p99 ${sample.eldP99} ms, fds ${sample.fds}, children ${sample.children}, db ${sample.dbMB.toFixed(1)} MB, wal ${sample.walMB.toFixed(1)} MB, rows ${rows}, pruned ${sample.pruned}, backlog ${sample.backlog}, ${sample.msgPerS.toFixed(0)} msg/s, p99 direct ${sample.direct.p99.toFixed(2)} / gateway ${sample.gateway.p99.toFixed(2)} ms`,
          );
        }
      } catch (error) {
        ctx.log(`soak sample failed: ${(error as Error).message}`);
      }
    }
  })();

  const running = (): boolean => minutes() < endAt;
  let load: SoakLoadStats;
  let firehoseEvents = 0;
  try {
    const [stats, events] = await Promise.all([
      runSoakLoad({
        json: gw.proxyUrl('json'),
        sse: gw.proxyUrl('sse'),
        stdio: gw.proxyUrl('local'),
        directJson: upstream.url('json'),
        durationMs: plan.minutes * 60_000,
        workers: 4,
        stdioEveryMs: 3000,
        pauseMs: 10,
        bigBytes: 512 * 1024,
        probeEveryMs: 40,
        onProbe: ({ side, ms }) => void windowProbes[side].push(ms),
      }),
      firehose(gw.proxyUrl('raw'), running, 250),
    ]);
    load = stats;
    firehoseEvents = events;
  } finally {
    sampling = false;
    await sampler;
  }

  // Everything sent is recorded once the writer's queue is empty.
  for (let i = 0; i < 100 && (await health(gw)).storage.pendingWrites > 0; i++) await sleep(100);
  await sleep(300);
  const loss = lostProbes(reader, load.probes);
  const final = await health(gw);
  reader.close();
  await gw.stop();
  control.stop();

  report(ctx, plan, samples, load, firehoseEvents, loss, final.storage.droppedWrites);
}

/** Probes sent after the oldest kept message that are not stored, request and answer both. */
function lostProbes(db: Database.Database, probes: SoakLoadStats['probes']): { inWindow: number; lost: string[] } {
  const first = db.prepare('SELECT min(timestamp) FROM messages').pluck().get() as number;
  const found = new Map<string, number>();
  for (const body of db.prepare("SELECT body FROM messages WHERE server = 'json' AND body LIKE '%probe-gateway-%'").pluck().all() as string[]) {
    for (const match of body.matchAll(/probe-gateway-\d+/g)) found.set(match[0], (found.get(match[0]) ?? 0) + 1);
  }
  // Same machine clock; 50 ms of margin for a probe sent just as the oldest kept message was recorded.
  const inWindow = probes.filter((p) => p.at > first + 50);
  return { inWindow: inWindow.length, lost: inWindow.filter((p) => (found.get(p.text) ?? 0) < 2).map((p) => p.text) };
}

function report(ctx: Ctx, plan: SoakPlan, samples: Sample[], load: SoakLoadStats, firehoseEvents: number, loss: { inWindow: number; lost: string[] }, dropped: number): void {
  const after = samples.filter((s) => s.t >= plan.warmupMinutes);
  const judged = after.length >= 4 ? after : samples;
  const perTenMinutes = (pick: (s: Sample) => number): number => slope(judged.map((s) => [s.t, pick(s)] as [number, number]).filter(([, y]) => Number.isFinite(y))) * 10;
  const rssSlope = perTenMinutes((s) => s.rssMB);
  const heapSlope = perTenMinutes((s) => s.heapMB);
  const maxOf = (pick: (s: Sample) => number): number => Math.max(...judged.map(pick).filter(Number.isFinite));
  const span = judged.length ? judged[judged.length - 1]!.t - judged[0]!.t : 0;
  // "Start" and "end": the first and last fifth of what follows the warm-up (at least one sample each).
  const fifth = Math.max(1, Math.floor(judged.length / 5));
  const head = judged.slice(0, fifth);
  const tail = judged.slice(-fifth);
  const pooled = (list: Sample[], side: 'direct' | 'gateway', q: 'p50' | 'p99'): number => median(list.map((s) => s[side][q]).filter(Number.isFinite));
  const p99Start = pooled(head, 'gateway', 'p99');
  const p99End = pooled(tail, 'gateway', 'p99');
  const directStart = pooled(head, 'direct', 'p99');
  const directEnd = pooled(tail, 'direct', 'p99');
  const fdsStart = median(head.map((s) => s.fds ?? Number.NaN).filter(Number.isFinite));
  const fdsEnd = median(tail.map((s) => s.fds ?? Number.NaN).filter(Number.isFinite));
  const eldMedian = median(judged.map((s) => s.eldP99).filter(Number.isFinite));
  const controlMedian = median(judged.map((s) => s.controlEldP99).filter(Number.isFinite));
  const allowance = Math.max(Math.ceil(RETENTION.maxMessages * 0.01), 1000);
  const judgedNote = `judged over ${span.toFixed(1)} min after a ${plan.warmupMinutes}-min warm-up (${judged.length} samples every ${plan.sampleSeconds} s)`;
  const add = (metric: string, unit: string, gateway: number | string, target: string, pass: boolean | null, compare = '', note?: string, direct: number | string | null = null): void =>
    ctx.results.add({ section: `soak ${plan.label}`, metric, unit, direct, gateway, compare, target, pass, ...(note ? { note } : {}) });

  add('RSS slope after warm-up', 'MB/10 min', rssSlope, '< 1 MB/10 min', rssSlope < 1, `${fmt(judged[0]?.rssMB ?? Number.NaN)} → ${fmt(judged.at(-1)?.rssMB ?? Number.NaN)} MB`, `least-squares fit of GET /api/health process.rssBytes, ${judgedNote}`);
  add('heap slope after warm-up', 'MB/10 min', heapSlope, '< 1 MB/10 min', heapSlope < 1, `${fmt(judged[0]?.heapMB ?? Number.NaN)} → ${fmt(judged.at(-1)?.heapMB ?? Number.NaN)} MB`);
  add('database file, largest', 'MB', maxOf((s) => s.dbMB), `≤ ${((RETENTION.maxBytes * 1.1) / MB).toFixed(1)} MB (maxBytes + 10%)`, maxOf((s) => s.dbMB) <= (RETENTION.maxBytes * 1.1) / MB, `search index up to ${fmt(maxOf((s) => s.ftsMB))} MB of it`);
  add('WAL, largest', 'MB', maxOf((s) => s.walMB), '< 64 MB', maxOf((s) => s.walMB) < 64);
  add('messages kept, most', '', maxOf((s) => s.rows), `≤ ${(RETENTION.maxMessages + allowance).toLocaleString('en-US')}`, maxOf((s) => s.rows) <= RETENTION.maxMessages + allowance, `${fmt(judged.at(-1)?.pruned ?? 0)} pruned`);
  add(
    'event-loop delay p99 (median of windows)',
    'ms',
    eldMedian,
    '< 10 ms',
    eldMedian < 10,
    `max window ${fmt(maxOf((s) => s.eldP99))} ms; idle control process ${fmt(controlMedian)} ms`,
    'process.eventLoopDelayP99Ms: the p99 of each 5-s window, sampled; the median over the run, with the worst window beside it. Direct column: the same measure in an idle Node process on the same machine meanwhile (what the machine load alone costs)',
    controlMedian,
  );
  add('open descriptors, start → end', '', `${fmt(fdsStart)} → ${fmt(fdsEnd)}`, 'no growth (≤ +5)', fdsEnd <= fdsStart + 5, `max ${fmt(maxOf((s) => s.fds ?? Number.NaN))}`);
  add('stdio children, most', '', maxOf((s) => s.children), `≤ ${STDIO.maxSessionsPerServer} (stdio.maxSessionsPerServer)`, maxOf((s) => s.children) <= STDIO.maxSessionsPerServer, `${load.stdioSessions} stdio sessions, ${load.evicted} closed to make room or reaped between calls`);
  add('proxied p99, end ÷ start', '×', p99End / p99Start, '≤ 1.2×', p99End / p99Start <= 1.2, `${fmt(p99Start)} → ${fmt(p99End)} ms; direct ${fmt(directStart)} → ${fmt(directEnd)} ms (${fmt(directEnd / directStart)}×)`, 'echo probes alternating direct and proxied every 40 ms; p99 per sample window, median of the first and of the last fifth', directEnd / directStart);
  add('proxied p50 / p99 after warm-up', 'ms', `${fmt(pooled(judged, 'gateway', 'p50'))} / ${fmt(pooled(judged, 'gateway', 'p99'))}`, '', null, `direct ${fmt(pooled(judged, 'direct', 'p50'))} / ${fmt(pooled(judged, 'direct', 'p99'))}`);
  add('messages lost inside the retention window', '', loss.lost.length, '0', loss.lost.length === 0 && dropped === 0, `${loss.inWindow} probes checked; writer dropped ${dropped}`, loss.lost.length ? `lost: ${loss.lost.slice(0, 5).join(', ')}` : undefined);
  add('load', '', `${load.sessions} sessions`, '', load.failures.length === 0 ? null : false, `${load.calls} calls, ${load.abandoned} abandoned without DELETE, ${load.bigResults} large results, ${load.expectedErrors} errors asked for, ${firehoseEvents.toLocaleString('en-US')} streamed notifications`, load.failures.length ? `unexpected failures: ${load.failures.slice(0, 5).join(' | ')}` : undefined);

  ctx.results.detail(`soak.${plan.label}`, { plan, retention: RETENTION, stdio: STDIO, samples, load: { ...load, probes: load.probes.length }, loss, dropped });
  ctx.results.text(samplesTable(samples, plan));
  const svg = join(BENCH_DIR, 'results', `${ctx.runId}-soak.svg`);
  writeFileSync(svg, plot(samples, plan));
  ctx.results.text(`soak plot: ${svg}`);
}

function samplesTable(samples: Sample[], plan: SoakPlan): string {
  // About 25 rows whatever the length: every n-th sample.
  const every = Math.max(1, Math.ceil(samples.length / 25));
  const rows = samples.filter((_, i) => i % every === 0 || i === samples.length - 1);
  const header = ['min', 'rss MB', 'heap MB', 'eld p99', 'idle p99', 'fds', 'child', 'db MB', 'wal MB', 'fts MB', 'rows', 'pruned', 'backlog', 'msg/s', 'direct p50/p99', 'gateway p50/p99'];
  const body = rows.map((s) => [
    s.t.toFixed(1) + (s.t < plan.warmupMinutes ? '*' : ''),
    s.rssMB.toFixed(0),
    s.heapMB.toFixed(1),
    s.eldP99.toFixed(1),
    Number.isFinite(s.controlEldP99) ? s.controlEldP99.toFixed(1) : '-',
    String(s.fds ?? '-'),
    String(s.children),
    s.dbMB.toFixed(1),
    s.walMB.toFixed(1),
    s.ftsMB.toFixed(1),
    String(s.rows),
    String(s.pruned),
    String(s.backlog),
    Number.isFinite(s.msgPerS) ? s.msgPerS.toFixed(0) : '-',
    `${s.direct.p50.toFixed(2)}/${s.direct.p99.toFixed(2)}`,
    `${s.gateway.p50.toFixed(2)}/${s.gateway.p99.toFixed(2)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
  return [`soak ${plan.label}: samples (* = warm-up)`, line(header), ...body.map(line)].join('\n');
}

function plot(samples: Sample[], plan: SoakPlan): string {
  const pts = (pick: (s: Sample) => number | null): Array<[number, number | null]> => samples.map((s) => [s.t, pick(s)]);
  return lineChart({
    title: `mcp-gateway soak (${plan.label}): ${plan.minutes} min, warm-up ${plan.warmupMinutes} min (dashed)`,
    xLabel: 'minutes',
    markX: plan.warmupMinutes,
    panels: [
      { title: 'gateway memory', unit: 'MB', series: [{ label: 'RSS', color: '#1f77b4', points: pts((s) => s.rssMB) }, { label: 'heap used', color: '#ff7f0e', points: pts((s) => s.heapMB) }] },
      {
        title: 'event-loop delay p99',
        unit: 'ms',
        target: 10,
        series: [
          { label: 'gateway (5 s window)', color: '#2ca02c', points: pts((s) => s.eldP99) },
          { label: 'idle control process', color: '#7f7f7f', points: pts((s) => (Number.isFinite(s.controlEldP99) ? s.controlEldP99 : null)) },
        ],
      },
      { title: 'descriptors and children', unit: 'count', series: [{ label: 'open fds', color: '#9467bd', points: pts((s) => s.fds) }, { label: 'stdio children', color: '#8c564b', points: pts((s) => s.children) }] },
      {
        title: 'database',
        unit: 'MB',
        target: (RETENTION.maxBytes * 1.1) / MB,
        series: [
          { label: 'logs.db', color: '#1f77b4', points: pts((s) => s.dbMB) },
          { label: 'WAL', color: '#d62728', points: pts((s) => s.walMB) },
          { label: 'search index', color: '#17becf', points: pts((s) => s.ftsMB) },
        ],
      },
      { title: 'messages', unit: 'rows', target: RETENTION.maxMessages, series: [{ label: 'kept', color: '#1f77b4', points: pts((s) => s.rows) }, { label: 'writer backlog (ops)', color: '#d62728', points: pts((s) => s.backlog) }] },
      {
        title: 'tools/call latency p99 per window',
        unit: 'ms',
        series: [
          { label: 'direct', color: '#7f7f7f', points: pts((s) => (Number.isFinite(s.direct.p99) ? s.direct.p99 : null)) },
          { label: 'through the gateway', color: '#d62728', points: pts((s) => (Number.isFinite(s.gateway.p99) ? s.gateway.p99 : null)) },
        ],
      },
    ],
  });
}
