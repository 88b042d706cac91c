// tsx bench/ab.ts <cli main.js A> <cli main.js B> [sessions] [json|sse] [rounds]: two builds of the
// gateway side by side on one upstream, windows alternated (ABBA): CPU per call (/proc) and calls/s
// of each, the medians and the per-round B÷A. For "what did this change save", measured, not assumed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, connectMany, type BenchClient } from './lib/client.js';
import { SERVERS } from './lib/context.js';
import { killAll, procCpuMs, startUpstream, stopChild } from './lib/procs.js';
import { alternate, median } from './lib/stats.js';
import { window } from './sections/throughput.js';

const [a, b, sessionsArg, modeArg, roundsArg] = process.argv.slice(2);
if (!a || !b) {
  process.stderr.write('usage: tsx bench/ab.ts <cli main.js A> <cli main.js B> [sessions] [json|sse] [rounds]\n');
  process.exit(2);
}
const sessions = Number(sessionsArg ?? 16);
const mode = (modeArg ?? 'json') as 'json' | 'sse';
const rounds = Number(roundsArg ?? 6);
const upstream = await startUpstream();
const homes: string[] = [];

async function gateway(cli: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-ab-'));
  homes.push(home);
  writeFileSync(join(home, 'mcp.json'), JSON.stringify({ mcpServers: SERVERS(upstream) }));
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--home', home], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MCP_GATEWAY_HOME: home } });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+)\/ui\//.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', () => reject(new Error(`gateway ${cli} exited: ${out}`)));
  });
  return { url, pid: child.pid as number, stop: () => stopChild(child) };
}

const sides = [
  { name: 'A', gw: await gateway(a), clients: [] as BenchClient[], cpu: [] as number[], rate: [] as number[] },
  { name: 'B', gw: await gateway(b), clients: [] as BenchClient[], cpu: [] as number[], rate: [] as number[] },
];
for (const s of sides) {
  s.clients = await connectMany(`${s.gw.url}/s/${mode}/mcp`, sessions);
  await window(s.clients, 4000);
}
for (let r = 0; r < rounds; r++) {
  for (const s of alternate(sides, r)) {
    const c0 = procCpuMs(s.gw.pid);
    const t0 = performance.now();
    const w = await window(s.clients, 1500);
    const calls = (w.rate * (performance.now() - t0)) / 1000;
    s.cpu.push(((procCpuMs(s.gw.pid) - c0) / calls) * 1000);
    s.rate.push(w.rate);
  }
}
const [A, B] = sides as [(typeof sides)[0], (typeof sides)[0]];
for (const s of sides) process.stdout.write(`${s.name}: CPU/call ${median(s.cpu).toFixed(0)} µs ${JSON.stringify(s.cpu.map(Math.round))}, calls/s ${median(s.rate).toFixed(0)}\n`);
const perRound = B.cpu.map((c, i) => c / (A.cpu[i] as number));
process.stdout.write(`B÷A CPU/call: median ${median(perRound).toFixed(3)}, per round ${JSON.stringify(perRound.map((x) => Number(x.toFixed(2))))}; calls/s ${(median(B.rate) / median(A.rate)).toFixed(3)}\n`);
for (const s of sides) {
  await closeAll(s.clients);
  await s.gw.stop();
}
await upstream.stop();
killAll();
for (const home of homes) rmSync(home, { recursive: true, force: true });
process.exit(0);
