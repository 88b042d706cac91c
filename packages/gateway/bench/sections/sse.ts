// 3. SSE forwarding delay: upstream emit (stamped in the notification) to client receive.
import { clockOffset, connect, type BenchClient } from '../lib/client.js';
import type { Ctx } from '../lib/context.js';
import { delta } from '../lib/report.js';
import { alternate, summary } from '../lib/stats.js';

async function progressCalls(c: BenchClient, calls: number, steps: number, into: number[], offsetMs: number): Promise<void> {
  c.onProgressStamp = (emittedAt, receivedAt) => into.push(receivedAt - (emittedAt - offsetMs));
  for (let i = 0; i < calls; i++) {
    await c.client.callTool({ name: 'progress', arguments: { steps, intervalMs: 2 } }, undefined, { onprogress: () => undefined });
  }
  c.onProgressStamp = null;
}

export async function sse(ctx: Ctx): Promise<void> {
  const gw = await ctx.gateway();
  const rounds = ctx.options.quick ? 4 : 10;
  const callsPerRound = ctx.options.quick ? 3 : 5;
  const steps = 20;
  const direct = await connect(ctx.upstream.url('sse'));
  const proxied = await connect(gw.proxyUrl('sse'));
  const sink: number[] = [];
  await progressCalls(direct, 3, steps, sink, 0);
  await progressCalls(proxied, 3, steps, sink, 0);
  const before = await clockOffset(ctx.upstream.base);
  const d: number[] = [];
  const g: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = alternate([direct, proxied], r);
    for (const c of order) await progressCalls(c, callsPerRound, steps, c === direct ? d : g, before.offsetMs);
  }
  const after = await clockOffset(ctx.upstream.base);
  await direct.close();
  await proxied.close();
  const sd = summary(d);
  const sg = summary(g);
  const note = `emit→receive across two processes; clock offset ${before.offsetMs.toFixed(3)} ms (±${before.errorMs.toFixed(3)}), drift during run ${(after.offsetMs - before.offsetMs).toFixed(3)} ms; the gateway−direct delta does not depend on it`;
  ctx.results.add({
    section: 'sse',
    metric: `progress delay p50 (n=${sg.n})`,
    unit: 'ms',
    direct: sd.p50,
    gateway: sg.p50,
    compare: delta(sg.p50, sd.p50, 'ms'),
    target: '',
    pass: null,
  });
  ctx.results.add({
    section: 'sse',
    metric: `progress delay p99 (n=${sg.n})`,
    unit: 'ms',
    direct: sd.p99,
    gateway: sg.p99,
    compare: delta(sg.p99, sd.p99, 'ms'),
    target: 'added p99 ≤ 2 ms',
    pass: sg.p99 - sd.p99 <= 2,
    note,
  });
  ctx.results.detail('sse', { rounds, callsPerRound, steps, direct: sd, gateway: sg, clock: { before, after } });
  ctx.log(`sse: direct p50 ${sd.p50.toFixed(3)} p99 ${sd.p99.toFixed(3)} | gateway p50 ${sg.p50.toFixed(3)} p99 ${sg.p99.toFixed(3)} ms`);
}
