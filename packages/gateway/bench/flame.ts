// tsx bench/flame.ts [--seconds N] [--label NAME] [--sessions N] [--mode json|sse]
//   Runs the gateway (the real CLI) under node --cpu-prof with N sessions calling echo back to back
//   (default: 16 JSON sessions for 20 s, after a 4 s warm-up), then writes under bench/results/:
//   <stamp>-<label>.cpuprofile, .collapsed.txt (flamegraph.pl's input) and .svg (a flame graph),
//   and prints the hottest functions.
// tsx bench/flame.ts <file.cpuprofile>: the same files for an existing profile.
import { readdirSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { closeAll, connectMany } from './lib/client.js';
import { SERVERS } from './lib/context.js';
import { collapse, collapsedText, flameSvg } from './lib/flame.js';
import { BENCH_DIR, cleanupTemp, killAll, startGatewayProc, startUpstream, tempDir } from './lib/procs.js';
import { renderProfile, summarizeProfile } from './lib/profile.js';
import { window } from './sections/throughput.js';

function write(profileFile: string, stem: string, title: string): void {
  const stacks = collapse(profileFile);
  writeFileSync(`${stem}.collapsed.txt`, collapsedText(stacks));
  writeFileSync(`${stem}.svg`, flameSvg(stacks, title));
  process.stdout.write(`${renderProfile(summarizeProfile(profileFile, 25))}\n\nwrote ${stem}.{cpuprofile,collapsed.txt,svg}\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && args[i + 1] !== undefined ? (args[i + 1] as string) : fallback;
  };
  const existing = args.find((a) => a.endsWith('.cpuprofile'));
  if (existing) {
    write(existing, existing.replace(/\.cpuprofile$/, ''), existing);
    return;
  }
  const seconds = Number(flag('--seconds', '20'));
  const sessions = Number(flag('--sessions', '16'));
  const mode = flag('--mode', 'json') as 'json' | 'sse';
  const label = flag('--label', 'gateway');
  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const profileDir = tempDir('flame');
  const upstream = await startUpstream();
  const gw = await startGatewayProc({ servers: SERVERS(upstream), nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
  try {
    const clients = await connectMany(gw.proxyUrl(mode), sessions);
    await window(clients, 4000);
    const { rate } = await window(clients, seconds * 1000);
    process.stdout.write(`${sessions} ${mode} sessions through the gateway: ${rate.toFixed(0)} calls/s over ${seconds} s\n`);
    await closeAll(clients);
  } finally {
    await gw.stop();
    await upstream.stop();
    killAll();
  }
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the gateway wrote no .cpuprofile');
  const stem = join(resultsDir, `${stamp}-${label}`);
  renameSync(join(profileDir, file), `${stem}.cpuprofile`);
  cleanupTemp();
  write(`${stem}.cpuprofile`, stem, `mcp-gateway under ${sessions} ${mode} sessions (${label})`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  killAll();
  process.exitCode = 1;
});
