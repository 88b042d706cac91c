// 1. Sequential tools/call latency, direct vs proxied, alternating rounds.
import { connect, echo, type BenchClient } from '../lib/client.js';
import type { Ctx } from '../lib/context.js';
import { CpuMeter } from '../lib/procs.js';
import { delta, ratio } from '../lib/report.js';
import { alternate, percentile, round, summary } from '../lib/stats.js';

/** `n` sequential echo calls, each one's milliseconds pushed to `into`. */
export async function timeCalls(c: BenchClient, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await echo(c);
    into.push(performance.now() - t0);
  }
}

export async function latency(ctx: Ctx): Promise<void> {
  const gw = await ctx.gateway();
  const rounds = ctx.options.quick ? 4 : 10;
  const perRound = ctx.options.quick ? 150 : 200;
  // Steady state, as a gateway left running is: with 400 warm-up calls V8 had not yet optimized
  // the gateway's (or the upstream's) hot path, and the added p50 read 1.9 ms instead of 0.55.
  const warmup = ctx.options.quick ? 2000 : 3000;
  const details: Record<string, unknown> = { rounds, perRound, warmup };
  for (const mode of ['json', 'sse'] as const) {
    const direct = await connect(ctx.upstream.url(mode));
    const proxied = await connect(gw.proxyUrl(mode));
    const sink: number[] = [];
    await timeCalls(direct, warmup, sink);
    await timeCalls(proxied, warmup, sink);
    const d: number[] = [];
    const g: number[] = [];
    const perRoundStats: Array<{ direct: number; gateway: number }> = [];
    let gatewayCpuMs = 0;
    let upstreamCpuDirect = 0;
    let upstreamCpuGateway = 0;
    for (let r = 0; r < rounds; r++) {
      const order = alternate(['direct', 'gateway'] as const, r);
      const roundD: number[] = [];
      const roundG: number[] = [];
      for (const side of order) {
        const meter = new CpuMeter({ gateway: gw.pid, upstream: ctx.upstream.pid });
        if (side === 'direct') await timeCalls(direct, perRound, roundD);
        else await timeCalls(proxied, perRound, roundG);
        const cpu = meter.stop();
        if (side === 'gateway') {
          gatewayCpuMs += cpu.cpuMs.gateway as number;
          upstreamCpuGateway += cpu.cpuMs.upstream as number;
        } else upstreamCpuDirect += cpu.cpuMs.upstream as number;
      }
      d.push(...roundD);
      g.push(...roundG);
      perRoundStats.push({ direct: round(percentile(roundD, 50)), gateway: round(percentile(roundG, 50)) });
    }
    await direct.close();
    await proxied.close();
    const sd = summary(d);
    const sg = summary(g);
    const calls = rounds * perRound;
    const addedP50 = sg.p50 - sd.p50;
    const addedP99 = sg.p99 - sd.p99;
    ctx.results.add({
      section: 'latency',
      metric: `tools/call p50 (${mode}, n=${calls})`,
      unit: 'ms',
      direct: sd.p50,
      gateway: sg.p50,
      compare: delta(sg.p50, sd.p50, 'ms'),
      target: 'added ≤ 0.5 ms',
      pass: addedP50 <= 0.5,
    });
    ctx.results.add({
      section: 'latency',
      metric: `tools/call p99 (${mode}, n=${calls})`,
      unit: 'ms',
      direct: sd.p99,
      gateway: sg.p99,
      compare: delta(sg.p99, sd.p99, 'ms'),
      target: 'added ≤ 2 ms',
      pass: addedP99 <= 2,
    });
    ctx.results.add({
      section: 'latency',
      metric: `gateway CPU per call (${mode})`,
      unit: 'µs',
      direct: (upstreamCpuDirect / calls) * 1000,
      gateway: (gatewayCpuMs / calls) * 1000,
      compare: ratio(gatewayCpuMs, upstreamCpuDirect),
      target: '',
      pass: null,
      note: `direct column: the SDK upstream's CPU per call; gateway column: the gateway's own CPU per proxied call (10 ms tick resolution, summed over ${calls} calls)`,
    });
    details[mode] = {
      direct: sd,
      gateway: sg,
      perRoundP50: perRoundStats,
      cpuMs: { gateway: gatewayCpuMs, upstreamDuringDirect: upstreamCpuDirect, upstreamDuringGateway: upstreamCpuGateway },
      ratioP50: sg.p50 / sd.p50,
    };
    ctx.log(`latency ${mode}: direct p50 ${sd.p50.toFixed(3)} p99 ${sd.p99.toFixed(3)} | gateway p50 ${sg.p50.toFixed(3)} p99 ${sg.p99.toFixed(3)} ms`);
  }
  ctx.results.detail('latency', details);
}
