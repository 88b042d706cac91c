// The headline: the gateway against one bare Node hop (baseline-proxy.mjs node-agent: node:http
// server, node:http request through a keep-alive http.Agent, bodies piped, nothing else), each its
// own process, in the same run. For JSON and SSE answers at 1, 16 and 64 sessions, closed-loop
// windows alternate direct, hop and gateway; every call is timed, and each proxy's CPU (utime +
// stime from /proc/<pid>/stat) over its windows is divided by the calls it carried.
import { join } from 'node:path';
import { closeAll, connectMany, echo, type BenchClient } from '../lib/client.js';
import type { Ctx } from '../lib/context.js';
import { BENCH_DIR, procCpuMs, startScript } from '../lib/procs.js';
import { fmt } from '../lib/report.js';
import { alternate, median, percentile } from '../lib/stats.js';

type Side = 'direct' | 'hop' | 'gateway';
const SIDES: readonly Side[] = ['direct', 'hop', 'gateway'];

interface Window {
  calls: number;
  errors: number;
  rate: number;
  cpuMs: number;
}

/** Every session calls echo back to back until the deadline; each call's ms goes to `latencies`. */
async function timedWindow(clients: BenchClient[], ms: number, latencies: number[], pid: number | null): Promise<Window> {
  const cpu0 = pid === null ? 0 : procCpuMs(pid);
  const start = performance.now();
  const deadline = start + ms;
  let calls = 0;
  let errors = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        try {
          await echo(c);
          latencies.push(performance.now() - t0);
          calls++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const wall = performance.now() - start;
  return { calls, errors, rate: calls / (wall / 1000), cpuMs: pid === null ? 0 : procCpuMs(pid) - cpu0 };
}

export interface HopCell {
  mode: 'json' | 'sse';
  sessions: number;
  /** Gateway ÷ hop. */
  cpuRatio: number;
  throughputRatio: number;
  addedP50Ratio: number;
  addedP99Ratio: number;
  hop: { cpuUsPerCall: number; rate: number; addedP50Ms: number; addedP99Ms: number };
  gateway: { cpuUsPerCall: number; rate: number; addedP50Ms: number; addedP99Ms: number };
  direct: { rate: number; p50Ms: number; p99Ms: number };
  /** Per round, gateway ÷ hop of CPU per call and of calls/s: the run-to-run spread. */
  perRound: { cpuRatio: number[]; throughputRatio: number[] };
  windows: number;
  windowMs: number;
  errors: number;
}

/** The table `pnpm bench` prints first (also written beside the run's JSON). */
export let headline: { text: string; markdown: string; cells: HopCell[] } | null = null;

const TARGET = { cpu: 1.3, throughput: 0.95, p50: 1.1, p99: 1.2 } as const;

export async function hop(ctx: Ctx): Promise<void> {
  const gw = await ctx.gateway();
  const map = JSON.stringify({ json: ctx.upstream.url('json'), sse: ctx.upstream.url('sse') });
  const bare = await startScript(join(BENCH_DIR, 'baseline-proxy.mjs'), ['node-agent', map], 'the bare node:http hop');
  ctx.log(`bare hop (node:http + keep-alive http.Agent) at ${bare.url}, pid ${bare.pid}`);
  const rounds = ctx.options.quick ? 2 : 4;
  const windowMs = ctx.options.quick ? 600 : 1200;
  const cells: HopCell[] = [];
  let warmed = false;
  try {
    for (const mode of ['json', 'sse'] as const) {
      for (const sessions of [1, 16, 64]) {
        const urls: Record<Side, string> = { direct: ctx.upstream.url(mode), hop: `${bare.url}/s/${mode}/mcp`, gateway: gw.proxyUrl(mode) };
        const pids: Record<Side, number | null> = { direct: null, hop: bare.pid, gateway: gw.pid };
        const clients = {} as Record<Side, BenchClient[]>;
        for (const side of SIDES) clients[side] = await connectMany(urls[side], sessions);
        try {
          // The first cell warms V8 in all three processes (optimized hot paths, as a long-running gateway has them).
          for (const side of SIDES) await timedWindow(clients[side], warmed ? 300 : ctx.options.quick ? 2000 : 4000, [], null);
          warmed = true;
          const lat: Record<Side, number[]> = { direct: [], hop: [], gateway: [] };
          const wins: Record<Side, Window[]> = { direct: [], hop: [], gateway: [] };
          for (let r = 0; r < rounds; r++) {
            for (const side of alternate(SIDES, r)) wins[side].push(await timedWindow(clients[side], windowMs, lat[side], pids[side]));
          }
          cells.push(cell(mode, sessions, lat, wins, windowMs));
        } finally {
          for (const side of SIDES) await closeAll(clients[side]);
        }
        const c = cells[cells.length - 1] as HopCell;
        ctx.log(
          `hop ${mode} ×${sessions}: CPU/call hop ${c.hop.cpuUsPerCall.toFixed(0)} µs gateway ${c.gateway.cpuUsPerCall.toFixed(0)} µs (${c.cpuRatio.toFixed(2)}×), ` +
            `calls/s direct ${c.direct.rate.toFixed(0)} hop ${c.hop.rate.toFixed(0)} gateway ${c.gateway.rate.toFixed(0)} (${c.throughputRatio.toFixed(2)}×), ` +
            `added p50 hop ${c.hop.addedP50Ms.toFixed(3)} gateway ${c.gateway.addedP50Ms.toFixed(3)} ms, p99 hop ${c.hop.addedP99Ms.toFixed(3)} gateway ${c.gateway.addedP99Ms.toFixed(3)} ms`,
        );
      }
    }
  } finally {
    await bare.stop();
  }
  for (const c of cells) addRows(ctx, c);
  headline = { text: renderHeadline(cells, rounds, windowMs), markdown: markdownHeadline(cells), cells };
  ctx.results.detail('hop', { rounds, windowMs, cells });
}

function cell(mode: 'json' | 'sse', sessions: number, lat: Record<Side, number[]>, wins: Record<Side, Window[]>, windowMs: number): HopCell {
  const sum = (ws: Window[], k: 'calls' | 'cpuMs' | 'errors'): number => ws.reduce((a, w) => a + w[k], 0);
  const cpuUs = (side: Side): number => (sum(wins[side], 'cpuMs') / Math.max(1, sum(wins[side], 'calls'))) * 1000;
  const rate = (side: Side): number => median(wins[side].map((w) => w.rate));
  const p = (side: Side, q: number): number => percentile(lat[side], q);
  const added = (side: Side, q: number): number => p(side, q) - p('direct', q);
  const perRoundCpu = wins.gateway.map((g, i) => {
    const h = wins.hop[i] as Window;
    return g.cpuMs / Math.max(1, g.calls) / (h.cpuMs / Math.max(1, h.calls));
  });
  const perRoundRate = wins.gateway.map((g, i) => g.rate / (wins.hop[i] as Window).rate);
  const side = (s: 'hop' | 'gateway') => ({ cpuUsPerCall: cpuUs(s), rate: rate(s), addedP50Ms: added(s, 50), addedP99Ms: added(s, 99) });
  const hopSide = side('hop');
  const gwSide = side('gateway');
  return {
    mode,
    sessions,
    cpuRatio: gwSide.cpuUsPerCall / hopSide.cpuUsPerCall,
    throughputRatio: gwSide.rate / hopSide.rate,
    addedP50Ratio: addedRatio(gwSide.addedP50Ms, hopSide.addedP50Ms),
    addedP99Ratio: addedRatio(gwSide.addedP99Ms, hopSide.addedP99Ms),
    hop: hopSide,
    gateway: gwSide,
    direct: { rate: rate('direct'), p50Ms: p('direct', 50), p99Ms: p('direct', 99) },
    perRound: { cpuRatio: perRoundCpu.map((x) => Number(x.toFixed(3))), throughputRatio: perRoundRate.map((x) => Number(x.toFixed(3))) },
    windows: wins.gateway.length,
    windowMs,
    errors: sum(wins.gateway, 'errors') + sum(wins.hop, 'errors') + sum(wins.direct, 'errors'),
  };
}

/** Gateway's added latency ÷ the hop's; NaN when the hop added none (a noisy window put it under direct): no ratio to judge. */
function addedRatio(gateway: number, hopAdded: number): number {
  return hopAdded > 0 ? gateway / hopAdded : Number.NaN;
}

const x = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-');
const spread = (values: number[]): string => (values.length ? `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}` : '-');
const mark = (ok: boolean | null): string => (ok === null ? '' : ok ? ' ok' : ' MISS');

function checks(c: HopCell): { cpu: boolean | null; throughput: boolean | null; p50: boolean | null; p99: boolean | null } {
  return {
    cpu: c.sessions === 64 ? null : c.cpuRatio <= TARGET.cpu,
    throughput: c.sessions === 1 ? null : c.throughputRatio >= TARGET.throughput,
    p50: Number.isNaN(c.addedP50Ratio) ? null : c.addedP50Ratio <= TARGET.p50,
    p99: Number.isNaN(c.addedP99Ratio) ? null : c.addedP99Ratio <= TARGET.p99,
  };
}

function renderHeadline(cells: HopCell[], rounds: number, windowMs: number): string {
  const header = ['answers', 'sessions', 'CPU/call (hop → gateway)', 'calls/s (hop → gateway)', 'added p50 (hop → gateway)', 'added p99 (hop → gateway)'];
  const body = cells.map((c) => {
    const ok = checks(c);
    return [
      c.mode,
      String(c.sessions),
      `${x(c.cpuRatio)}${mark(ok.cpu)}  ${fmt(c.hop.cpuUsPerCall, 'µs')} → ${fmt(c.gateway.cpuUsPerCall, 'µs')} [${spread(c.perRound.cpuRatio)}]`,
      `${x(c.throughputRatio)}${mark(ok.throughput)}  ${fmt(c.hop.rate)} → ${fmt(c.gateway.rate)} [${spread(c.perRound.throughputRatio)}]`,
      `${x(c.addedP50Ratio)}${mark(ok.p50)}  ${fmt(c.hop.addedP50Ms, 'ms')} → ${fmt(c.gateway.addedP50Ms, 'ms')}`,
      `${x(c.addedP99Ratio)}${mark(ok.p99)}  ${fmt(c.hop.addedP99Ms, 'ms')} → ${fmt(c.gateway.addedP99Ms, 'ms')}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ');
  return [
    'against one bare Node hop (node:http + keep-alive http.Agent, its own process): gateway ÷ hop',
    `targets: CPU/call ≤ ${TARGET.cpu}× (1 and 16 sessions), calls/s ≥ ${TARGET.throughput}× (16 and 64), added p50 ≤ ${TARGET.p50}×, added p99 ≤ ${TARGET.p99}×`,
    `${rounds} alternating windows of ${windowMs} ms per side; [min–max of the per-round ratios]; added latency is against direct in the same run ('-': the hop measured no added latency, so no ratio)`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
  ].join('\n');
}

function markdownHeadline(cells: HopCell[]): string {
  const out = ['| answers | sessions | CPU/call | calls/s | added p50 | added p99 |', '|---|--:|--:|--:|--:|--:|'];
  for (const c of cells) {
    const ok = checks(c);
    out.push(
      `| ${c.mode} | ${c.sessions} | ${x(c.cpuRatio)}${mark(ok.cpu)} (${fmt(c.hop.cpuUsPerCall, 'µs')} → ${fmt(c.gateway.cpuUsPerCall, 'µs')}) | ${x(c.throughputRatio)}${mark(ok.throughput)} | ${x(c.addedP50Ratio)}${mark(ok.p50)} (${fmt(c.hop.addedP50Ms, 'ms')} → ${fmt(c.gateway.addedP50Ms, 'ms')}) | ${x(c.addedP99Ratio)}${mark(ok.p99)} (${fmt(c.hop.addedP99Ms, 'ms')} → ${fmt(c.gateway.addedP99Ms, 'ms')}) |`,
    );
  }
  return out.join('\n');
}

function addRows(ctx: Ctx, c: HopCell): void {
  const ok = checks(c);
  const label = `${c.mode}, ${c.sessions} session${c.sessions > 1 ? 's' : ''}`;
  const row = (metric: string, unit: string, hopValue: number, gwValue: number, ratio: number, target: string, pass: boolean | null): void =>
    ctx.results.add({ section: 'hop', metric: `${metric} (${label})`, unit, direct: hopValue, gateway: gwValue, compare: `${x(ratio)} hop`, target, pass, note: undefined });
  row('CPU per call', 'µs', c.hop.cpuUsPerCall, c.gateway.cpuUsPerCall, c.cpuRatio, ok.cpu === null ? '' : `≤ ${TARGET.cpu}× hop`, ok.cpu);
  row('calls/s', '/s', c.hop.rate, c.gateway.rate, c.throughputRatio, ok.throughput === null ? '' : `≥ ${TARGET.throughput}× hop`, ok.throughput);
  row('added p50', 'ms', c.hop.addedP50Ms, c.gateway.addedP50Ms, c.addedP50Ratio, `≤ ${TARGET.p50}× hop`, ok.p50);
  row('added p99', 'ms', c.hop.addedP99Ms, c.gateway.addedP99Ms, c.addedP99Ratio, `≤ ${TARGET.p99}× hop`, ok.p99);
}
