// Scale: the store at 10,000,000 rows (or --rows). The list queries and
// full-text search of `store` (same seeder, same cases, same targets), the
// time to open it on start (target 2 s), and GET /api/stats and a clear by age
// (DELETE /api/messages?until=), each also measured on a 1,000,000-row store in
// the same run, so what grows with the store shows as a ratio.
import { request } from 'undici';
import type { Ctx } from '../lib/context.js';
import { startGatewayProc, type GatewayProc } from '../lib/procs.js';
import { percentile } from '../lib/stats.js';
import { storeQueries } from './store-queries.js';

interface Measured {
  rows: number;
  statsP95: number;
  statsServerP95: number;
  statsHourP95: number;
  clearMs: number;
  cleared: number;
  openMs: number;
}

async function timed(gw: GatewayProc, path: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t0 = performance.now();
    const response = await request(`${gw.url}${path}`, { headers: gw.auth });
    await response.body.arrayBuffer();
    if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}`);
    if (i > 0) times.push(performance.now() - t0);
  }
  return percentile(times, 95);
}

/** Stats and a clear of the oldest 1% by time, on a store already seeded by storeQueries. */
async function statsAndClear(ctx: Ctx, rows: number): Promise<Measured> {
  const { home, facts } = await storeQueries(ctx, { rows, startupTargetMs: rows > 2_000_000 ? 2000 : 1000 });
  const gw = await startGatewayProc({ home, servers: {}, settings: { retention: { maxMessages: rows * 2, maxBytes: 2 ** 40 } } });
  try {
    const runs = ctx.options.quick ? 3 : 7;
    const hour = facts.lastTimestamp - 3600_000;
    const statsP95 = await timed(gw, '/api/stats', runs);
    const statsServerP95 = await timed(gw, `/api/stats?server=${facts.servers[0]}`, runs);
    const statsHourP95 = await timed(gw, `/api/stats?since=${new Date(hour).toISOString()}`, runs);
    // The oldest 1% by time (the seed spreads seven days evenly over the ids).
    const until = new Date(facts.firstTimestamp + (facts.lastTimestamp - facts.firstTimestamp) / 100).toISOString();
    const t0 = performance.now();
    const response = await request(`${gw.url}/api/messages?until=${encodeURIComponent(until)}`, { method: 'DELETE', headers: gw.auth });
    const body = (await response.body.json()) as { removed?: number };
    const clearMs = performance.now() - t0;
    if (response.statusCode !== 200) throw new Error(`DELETE /api/messages answered ${response.statusCode}: ${JSON.stringify(body)}`);
    ctx.log(`store ${rows.toLocaleString('en-US')}: stats p95 ${statsP95.toFixed(0)} ms (server ${statsServerP95.toFixed(0)}, last hour ${statsHourP95.toFixed(0)}); clear by age ${body.removed} rows in ${clearMs.toFixed(0)} ms; open ${gw.listenMs.toFixed(0)} ms`);
    return { rows, statsP95, statsServerP95, statsHourP95, clearMs, cleared: body.removed ?? 0, openMs: gw.listenMs };
  } finally {
    await gw.stop();
  }
}

export async function store10m(ctx: Ctx): Promise<void> {
  const big = ctx.options.rowsGiven ? ctx.options.rows : 10_000_000;
  const reference = await statsAndClear(ctx, Math.min(1_000_000, big));
  const t0 = performance.now();
  const scaled = await statsAndClear(ctx, big);
  const name = (rows: number): string => (rows >= 1e6 ? `${Number((rows / 1e6).toFixed(1))}M` : `${Math.round(rows / 1000)}k`);
  const label = name(big);
  const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}× at ${name(reference.rows)}`;
  const row = (metric: string, value: number, reference: number, target: string, pass: boolean | null, note?: string): void =>
    ctx.results.add({ section: `store ${label}`, metric, unit: 'ms', direct: reference, gateway: value, compare: ratio(value, reference), target, pass, ...(note ? { note } : {}) });
  row('GET /api/stats (everything) p95', scaled.statsP95, reference.statsP95, 'as at 1M, or the note says why', scaled.statsP95 <= reference.statsP95 * 1.5, `direct column: the same on ${reference.rows.toLocaleString('en-US')} rows in this run. Stats over everything read the covering index messages_stats from end to end: the time grows with the rows kept`);
  row('GET /api/stats?server= p95', scaled.statsServerP95, reference.statsServerP95, '', null);
  row('GET /api/stats?since=<last hour> p95', scaled.statsHourP95, reference.statsHourP95, '', null);
  row(`clear by age: the oldest 1% (${scaled.cleared.toLocaleString('en-US')} rows)`, scaled.clearMs, reference.clearMs, '', null, `${reference.cleared.toLocaleString('en-US')} rows at ${name(reference.rows)}; deletes in steps of 1,000 between writer batches, so its time grows with what it removes (10× the rows), not with what stays`);
  row('open on start (spawn → listening)', scaled.openMs, reference.openMs, '< 2000 ms', scaled.openMs < 2000);
  ctx.results.detail(`store.${label}`, { reference, scaled, seconds: (performance.now() - t0) / 1000 });
}
