// pnpm bench: the gateway's cost, measured against a direct connection in the same run.
// See bench/README.md. Exits non-zero only when something could not be measured.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions, Ctx } from './lib/context.js';
import { SERVERS } from './lib/context.js';
import { renderProfile, summarizeProfile, type ProfileSummary } from './lib/profile.js';
import { BENCH_DIR, CLI_MAIN, GATEWAY_DIR, REPO_DIR, cleanupTemp, killAll, loadAverage, pinCpus, setKeepTemp, startGatewayProc, startUpstream, tempDir, type GatewayProc } from './lib/procs.js';
import { Results, renderMarkdown, renderTable } from './lib/report.js';
import { large } from './sections/large.js';
import { latency } from './sections/latency.js';
import { sse } from './sections/sse.js';
import { startup } from './sections/startup.js';
import { store } from './sections/store.js';
import { throughput } from './sections/throughput.js';
import { breakdown } from './sections/breakdown.js';
import { otel } from './sections/otel.js';
import { soak } from './sections/soak.js';
import { sessions } from './sections/sessions.js';
import { store10m } from './sections/store10m.js';
import { headline, hop } from './sections/hop.js';

const SECTIONS: Record<string, (ctx: Ctx) => Promise<void>> = { hop, latency, throughput, sse, large, store, startup, breakdown, otel, sessions, store10m };
/** Scale sections, minutes each: only with --only. */
const SCALE_SECTIONS = ['sessions', 'store10m'];
/** The headline (against one bare Node hop), then the issue's six measures; `breakdown` (where the cost goes) and `otel` (export on against off) run with --all or --only. */
const DEFAULT_SECTIONS = ['hop', 'latency', 'throughput', 'sse', 'large', 'store', 'startup'];

const USAGE = `usage: pnpm bench [--quick] [--all | --only <section>[,<section>...]] [--profile] [--pin] [--rows N] [--keep] [--no-build]
       pnpm bench --soak | --soak-quick [--soak-minutes N] [--only <section>,...]

  --quick       smaller samples (about 1.5 minutes); same sections, noisier figures
  --all         also run breakdown: reference proxies and micro-benchmarks of the recording path (+1.5 min)
  --only        run only these sections: ${Object.keys(SECTIONS).join(', ')}
  --profile     run the shared gateway under node --cpu-prof; prints and saves its hottest functions
  --pin         Linux: client and upstream share CPU 0, the gateway gets CPU 1 (what the
                gateway costs when it does not compete with them for the same cores)
  --rows N      messages seeded for the store queries (default 1000000; --quick 200000; store10m: 10000000)
  --soak        sustained mixed load for 20 minutes with low retention, sampled every 5 s and judged
                after a 5-minute warm-up: a table, and an SVG plot under bench/results/ (alone unless --only)
  --soak-quick  the same for 2 minutes (30 s warm-up), sampled every 3 s
  --soak-minutes N   another length for --soak
  scale sections, only with --only: sessions (1,000 HTTP sessions holding GET streams; 200 stdio
                sessions abandoned), store10m (the store at 10,000,000 rows; seeding takes a while)
  --keep        keep the temporary homes (logs.db, gateway.log) for inspection
  --no-build    do not build, even when dist is missing or older than the sources
`;

function parseArgs(argv: string[]): BenchOptions & { build: boolean } {
  const options: BenchOptions & { build: boolean } = { quick: false, only: null, profile: false, keep: false, rows: 0, rowsGiven: false, build: true, pin: false, soakMinutes: 0, soakQuick: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return v as string;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--profile') options.profile = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--pin') options.pin = true;
    else if (arg === '--all') options.only = Object.keys(SECTIONS).filter((name) => !SCALE_SECTIONS.includes(name));
    else if (arg === '--soak') options.soakMinutes ||= 20;
    else if (arg === '--soak-quick') {
      options.soakMinutes = 2;
      options.soakQuick = true;
    } else if (arg === '--soak-minutes') options.soakMinutes = Number(value());
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--rows') {
      options.rows = Number(value());
      options.rowsGiven = true;
    }
    else if (arg === '--only') options.only = value().split(',').map((s) => s.trim()).filter(Boolean);
    else if (arg.startsWith('--only=')) options.only = arg.slice(7).split(',');
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    } else if (arg === '--') continue;
    else fail(`unknown argument ${arg}`);
  }
  for (const name of options.only ?? []) if (!SECTIONS[name]) fail(`unknown section "${name}"; sections are ${Object.keys(SECTIONS).join(', ')}`);
  if (!Number.isFinite(options.soakMinutes) || options.soakMinutes < 0) fail('--soak-minutes must be a positive number');
  // A soak alone, unless sections are asked for too.
  if (options.soakMinutes > 0 && options.only === null) options.only = [];
  if (!options.rows) options.rows = options.quick ? 200_000 : 1_000_000;
  if (!Number.isInteger(options.rows) || options.rows < 1000) fail('--rows must be an integer ≥ 1000');
  return options;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}`);
  process.exit(2);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (/\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function ensureBuilt(build: boolean, log: (m: string) => void): void {
  const gatewayDist = join(GATEWAY_DIR, 'dist', 'index.js');
  const missing = !existsSync(gatewayDist) || !existsSync(CLI_MAIN);
  if (!build) {
    if (missing) throw new Error('dist is missing and --no-build was given; run pnpm build');
    return;
  }
  const stale =
    !missing &&
    (newestMtime(join(GATEWAY_DIR, 'src')) > statSync(gatewayDist).mtimeMs || newestMtime(join(REPO_DIR, 'packages', 'cli', 'src')) > statSync(CLI_MAIN).mtimeMs);
  if (!missing && !stale) return;
  log(missing ? 'dist is missing: building (pnpm build)…' : 'sources are newer than dist: rebuilding (pnpm build)…');
  const result = spawnSync('pnpm', ['build'], { cwd: REPO_DIR, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    if (missing) throw new Error(`pnpm build failed:\n${output}`);
    log(`warning: pnpm build failed, measuring the existing dist:\n${output}`);
  }
}

function gitInfo(): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: REPO_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  setKeepTemp(options.keep);
  if (options.pin) pinCpus();
  const started = new Date();
  const t0 = performance.now();
  const log = (message: string): void => {
    process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);
  };
  const runId = started.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const results = new Results();
  const loadBefore = loadAverage();

  try {
    ensureBuilt(options.build, log);
  } catch (error) {
    log(`cannot run: ${(error as Error).message}`);
    return 1;
  }

  const upstream = await startUpstream();
  log(`upstream (SDK server, json + sse) at ${upstream.base}, pid ${upstream.pid}`);
  let shared: Promise<GatewayProc> | null = null;
  const profileDir = options.profile ? tempDir('prof') : null;
  const ctx: Ctx = {
    options,
    results,
    upstream,
    log,
    runId,
    gateway: () => {
      shared ??= startGatewayProc({
        servers: SERVERS(upstream),
        nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      }).then((gw) => {
        log(`gateway (mcp-gateway start, recording + redaction on) at ${gw.url}, pid ${gw.pid}, home ${gw.home}${profileDir ? ', under --cpu-prof' : ''}`);
        return gw;
      });
      return shared;
    },
  };

  const names = Object.keys(SECTIONS).filter((name) => (options.only ? options.only.includes(name) : DEFAULT_SECTIONS.includes(name)));
  for (const name of names) {
    log(`— ${name}`);
    try {
      await (SECTIONS[name] as (ctx: Ctx) => Promise<void>)(ctx);
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      log(`section ${name} could not run: ${message}`);
      results.errors.push({ section: name, error: message });
      results.add({ section: name, metric: 'could not run', unit: '', direct: null, gateway: null, compare: '', target: '', pass: false, note: (error as Error).message });
    }
  }

  if (options.soakMinutes > 0) {
    const plan = options.soakQuick
      ? { minutes: options.soakMinutes, warmupMinutes: 0.5, sampleSeconds: 3, label: 'quick' }
      : { minutes: options.soakMinutes, warmupMinutes: Math.min(5, options.soakMinutes / 4), sampleSeconds: 5, label: `${options.soakMinutes} min` };
    log(`— soak (${plan.label})`);
    try {
      await soak(ctx, plan);
    } catch (error) {
      const message = (error as Error).stack ?? String(error);
      log(`soak could not run: ${message}`);
      results.errors.push({ section: 'soak', error: message });
      results.add({ section: 'soak', metric: 'could not run', unit: '', direct: null, gateway: null, compare: '', target: '', pass: false, note: (error as Error).message });
    }
  }

  let profile: { file: string; summary: ProfileSummary } | null = null;
  if (shared) {
    const gw = await (shared as Promise<GatewayProc>).catch(() => null);
    if (gw) {
      await gw.stop();
      if (profileDir) {
        const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
        if (file) {
          const target = join(resultsDir, `${runId}-gateway.cpuprofile`);
          renameSync(join(profileDir, file), target);
          profile = { file: target, summary: summarizeProfile(target, 30) };
        } else log('no .cpuprofile was written by the gateway');
      }
    }
  }
  await upstream.stop();
  killAll();

  const table = renderTable(results.rows);
  const finished = new Date();
  const report = {
    runId,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationS: Number(((performance.now() - t0) / 1000).toFixed(1)),
    options,
    machine: { node: process.version, platform: process.platform, cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)), loadBefore, loadAfter: loadAverage() },
    git: gitInfo(),
    rows: results.rows,
    markdown: renderMarkdown(results.rows),
    details: results.details,
    errors: results.errors,
    profile,
    keptTempDirs: cleanupTemp(),
  };
  const file = join(resultsDir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  // The headline beside it, as printed and as markdown (the ratios to one bare Node hop).
  const headlineFile = headline ? join(resultsDir, `${runId}-hop.md`) : null;
  if (headline && headlineFile) writeFileSync(headlineFile, `${headline.text}\n\n${headline.markdown}\n`);

  const passed = results.rows.filter((r) => r.pass === true).length;
  const failed = results.rows.filter((r) => r.pass === false).length;
  const kind = [options.soakMinutes > 0 ? `soak ${options.soakQuick ? 'quick' : `${options.soakMinutes} min`}` : '', names.length ? (options.quick ? 'quick' : 'full') : ''].filter(Boolean).join(' + ');
  process.stdout.write(`\nmcp-gateway bench (${kind}${options.pin ? ', pinned: client and upstream on CPU 0, gateway on CPU 1' : ''}), ${report.machine.cpus} cores, ${process.version}, load ${loadBefore.join(' ')} → ${report.machine.loadAfter.join(' ')}, ${report.durationS} s\n\n`);
  if (headline) process.stdout.write(`${headline.text}\n(${headlineFile})\n\n`);
  for (const text of results.texts) process.stdout.write(`${text}\n\n`);
  process.stdout.write(`${table}\n\n`);
  if (profile) process.stdout.write(`gateway CPU profile (${profile.file}):\n${renderProfile(profile.summary)}\n\n`);
  process.stdout.write(`targets: ${passed} met, ${failed} missed. Results: ${file}\n`);
  if (report.keptTempDirs.length) process.stdout.write(`kept: ${report.keptTempDirs.join(' ')}\n`);
  return results.errors.length ? 1 : 0;
}

process.on('SIGINT', () => {
  killAll();
  cleanupTemp();
  process.exit(130);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench could not run: ${(error as Error).stack ?? String(error)}\n`);
    killAll();
    cleanupTemp();
    process.exitCode = 1;
  },
);
