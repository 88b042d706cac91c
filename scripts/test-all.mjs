#!/usr/bin/env node
// Runs every test suite of the monorepo and prints, as its LAST line,
//
//   N passed, N failed[, N skipped]
//
// (the CI harness reads that line; vitest and Playwright summaries are not recognised).
//
//   node scripts/test-all.mjs                 build, then every suite
//   node scripts/test-all.mjs --only gateway  build, then one suite (gateway | cli | e2e | package name);
//                                             repeat --only or use a comma list for several
//   node scripts/test-all.mjs --no-build      skip the `pnpm build` step
//   node scripts/test-all.mjs --node24        also run the gateway and cli suites under Node 24 LTS (CI does):
//                                             a workspace copy installed with it (scripts/node24.mjs), reports
//                                             in .test-results/<pkg>-node24.json, counted in the closing line
//
// Steps: `pnpm build`; vitest in every packages/* workspace package that has a `test`
// script (human + JSON reporter, JSON in .test-results/<pkg>.json); Playwright in e2e
// (list + JSON reporter, JSON in .test-results/e2e.json). Runners are started with
// `pnpm --dir <package> exec ...` (same as `pnpm --filter <name> exec`, minus pnpm's
// recursive-run noise after a failure). Suites run one after another
// with their output streamed live. Exit code: 0 only if nothing failed and every runner
// produced a report. A runner that crashes or writes no report counts as (at least) 1 failed.
//
// Env: TEST_ALL_SUITE_TIMEOUT_SECONDS (default 240) kills a suite that hangs.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE24, prepareNode24Workspace } from './node24.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = path.join(REPO, '.test-results');
const SUITE_TIMEOUT_MS = Number(process.env.TEST_ALL_SUITE_TIMEOUT_SECONDS || 240) * 1000;
const COLOR = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (COLOR ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const bold = paint('1');
const red = paint('31');
const green = paint('32');
const yellow = paint('33');
const dim = paint('2');

// ---------------------------------------------------------------------------------
// Pure helpers (exported for unit testing; no side effects)
// ---------------------------------------------------------------------------------

/** File-name-safe form of a package name: "@mcp-gateway/gateway" -> "mcp-gateway-gateway". */
export function safeName(name) {
  return name.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

/**
 * Counts from a vitest JSON report. A test file that failed without any failing test
 * (import error, failing beforeAll, ...) counts as 1 failure.
 */
export function vitestCounts(report) {
  const num = (v) => (Number.isFinite(v) ? v : 0);
  let failed = num(report.numFailedTests);
  const notes = [];
  const fileErrors = (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  if (fileErrors.length) {
    failed += fileErrors.length;
    notes.push(
      `${fileErrors.length} test file(s) failed outside any test: ` +
        fileErrors.map((f) => path.relative(REPO, f.name ?? '?')).join(', '),
    );
  }
  return {
    passed: num(report.numPassedTests),
    failed,
    skipped: num(report.numPendingTests) + num(report.numTodoTests),
    total: num(report.numTotalTests),
    notes,
  };
}

/** Counts from a Playwright JSON report. Flaky tests count as passed (with a warning). */
export function playwrightCounts(report) {
  const s = report.stats ?? {};
  const num = (v) => (Number.isFinite(v) ? v : 0);
  const notes = [];
  let failed = num(s.unexpected);
  const errors = report.errors ?? [];
  if (errors.length && failed === 0) {
    failed += 1; // global error (config, globalSetup, webServer, worker teardown...) outside any test
    notes.push(`Playwright reported ${errors.length} error(s) outside tests: ${firstLine(errors[0]?.message)}`);
  }
  const flaky = num(s.flaky);
  if (flaky) notes.push(`${flaky} flaky test(s) passed only on retry`);
  return {
    passed: num(s.expected) + flaky,
    failed,
    skipped: num(s.skipped),
    flaky,
    total: num(s.expected) + num(s.unexpected) + flaky + num(s.skipped),
    notes,
  };
}

/** The closing line. `, N skipped` only when something was skipped. */
export function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
}

/**
 * Turns one runner's outcome into a suite result.
 * outcome: { exitCode, signal, timedOut, report (parsed JSON | null), reportError, output, kind }
 */
export function judgeSuite(name, outcome) {
  const { exitCode, signal, timedOut, report, reportError, output = '', kind } = outcome;
  const res = { name, passed: 0, failed: 0, skipped: 0, status: 'ok', notes: [], warnings: [] };
  const how = timedOut
    ? `timed out after ${SUITE_TIMEOUT_MS / 1000}s`
    : signal
      ? `killed by ${signal}`
      : `exited with code ${exitCode}`;

  const noTestFiles =
    kind === 'vitest' && exitCode !== 0 && /No test files found/i.test(output) && (!report || !report.numTotalTests);
  if (noTestFiles) {
    res.status = 'no tests';
    res.warnings.push(`${name}: has a "test" script but no test files (vitest: "No test files found"); counted as 0 tests`);
    return res;
  }
  if (kind === 'script') {
    // a package whose test script is not vitest: only the exit code is known
    if (exitCode === 0 && !timedOut && !signal) {
      res.status = 'ok (exit code only)';
      res.warnings.push(`${name}: test script is not vitest; counted by exit code only (0 tests)`);
    } else {
      res.failed = 1;
      res.status = 'FAILED';
      res.notes.push(`test script ${how}`);
    }
    return res;
  }
  if (!report) {
    res.failed = 1;
    res.status = 'CRASHED';
    res.notes.push(`runner ${how} and produced no JSON report${reportError ? ` (${reportError})` : ''}`);
    return res;
  }
  const c = kind === 'playwright' ? playwrightCounts(report) : vitestCounts(report);
  Object.assign(res, { passed: c.passed, failed: c.failed, skipped: c.skipped });
  res.notes.push(...c.notes.filter((n) => !/flaky/.test(n)));
  res.warnings.push(...c.notes.filter((n) => /flaky/.test(n)).map((n) => `${name}: ${n}`));
  if (timedOut || signal) {
    res.failed = Math.max(res.failed, 1);
    res.notes.push(`runner ${how}`);
  } else if (exitCode !== 0 && res.failed === 0) {
    res.failed = 1; // e.g. vitest "Unhandled errors" with all tests green
    res.notes.push(`runner ${how} although no test failed (unhandled error? see output above)`);
  }
  if (kind === 'vitest' && c.total === 0 && res.failed === 0) {
    res.status = 'no tests';
    res.warnings.push(`${name}: vitest ran but found 0 tests`);
  } else {
    res.status = res.failed ? 'FAILED' : 'ok';
  }
  return res;
}

/** Sums suite results. */
export function totals(results) {
  return results.reduce(
    (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

function firstLine(s) {
  return String(s ?? '').replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n')[0].slice(0, 200);
}

// ---------------------------------------------------------------------------------
// Process running
// ---------------------------------------------------------------------------------

let current = null; // running child, for signal forwarding

/** Runs a command, streaming its output live; resolves with exit info and (bounded) captured output. */
function run(cmd, args, { cwd = REPO, env = {}, timeoutMs = 0 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...(COLOR ? { FORCE_COLOR: '1' } : {}), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a hung runner and its children can be killed together
    });
    current = child;
    let output = '';
    const keep = (chunk) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', (d) => (process.stdout.write(d), keep(d)));
    child.stderr.on('data', (d) => (process.stderr.write(d), keep(d)));
    let timedOut = false;
    const timer =
      timeoutMs > 0 &&
      setTimeout(() => {
        timedOut = true;
        process.stderr.write(red(`\n[test-all] ${cmd} ${args.join(' ')} timed out after ${timeoutMs / 1000}s; killing it\n`));
        killGroup(child, 'SIGTERM');
        setTimeout(() => killGroup(child, 'SIGKILL'), 5000).unref();
      }, timeoutMs);
    const done = (exitCode, signal, spawnError) => {
      if (timer) clearTimeout(timer);
      current = null;
      resolve({ exitCode, signal, timedOut, output, spawnError, ms: Date.now() - started });
    };
    child.on('error', (err) => done(127, null, err.message));
    child.on('close', (code, signal) => done(code, signal));
  });
}

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) killGroup(current, sig);
    console.error(red(`\n[test-all] interrupted by ${sig}`));
    console.log(closingLine({ passed: 0, failed: 1, skipped: 0 }));
    process.exit(130);
  });
}

function readJson(file) {
  if (!existsSync(file)) return { report: null, reportError: `${path.relative(REPO, file)} not written` };
  try {
    return { report: JSON.parse(readFileSync(file, 'utf8')), reportError: null };
  } catch (err) {
    return { report: null, reportError: `${path.relative(REPO, file)} is not valid JSON: ${err.message}` };
  }
}

function banner(text) {
  console.log(`\n${bold(`━━━ ${text} ${'━'.repeat(Math.max(3, 72 - text.length))}`)}`);
}

// ---------------------------------------------------------------------------------
// Suites
// ---------------------------------------------------------------------------------

function discoverSuites() {
  const suites = [];
  const pkgsDir = path.join(REPO, 'packages');
  for (const dir of existsSync(pkgsDir) ? readdirSync(pkgsDir).sort() : []) {
    const pj = path.join(pkgsDir, dir, 'package.json');
    if (!existsSync(pj)) continue;
    const pkg = JSON.parse(readFileSync(pj, 'utf8'));
    const script = pkg.scripts?.test;
    if (!script) continue;
    suites.push({
      id: dir,
      dir: path.join(pkgsDir, dir),
      pkgName: pkg.name ?? dir,
      kind: /\bvitest\b/.test(script) ? 'vitest' : 'script',
      json: path.join(RESULTS_DIR, `${safeName(pkg.name ?? dir)}.json`),
    });
  }
  if (existsSync(path.join(REPO, 'e2e', 'package.json'))) {
    const pkg = JSON.parse(readFileSync(path.join(REPO, 'e2e', 'package.json'), 'utf8'));
    suites.push({
      id: 'e2e',
      dir: path.join(REPO, 'e2e'),
      pkgName: pkg.name ?? 'e2e',
      kind: 'playwright',
      json: path.join(RESULTS_DIR, 'e2e.json'),
    });
  }
  return suites;
}

async function runSuite(suite) {
  rmSync(suite.json, { force: true }); // never read a stale report
  let r;
  if (suite.kind === 'vitest') {
    banner(`vitest: ${suite.pkgName}`);
    r = await run(
      'pnpm',
      ['--dir', suite.dir, 'exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${suite.json}`],
      { timeoutMs: SUITE_TIMEOUT_MS, env: suite.env },
    );
  } else if (suite.kind === 'playwright') {
    banner(`playwright: ${suite.pkgName}`);
    // e2e/playwright.config.ts configures the list + json reporters; PLAYWRIGHT_JSON_OUTPUT_FILE
    // (which takes precedence over the config's outputFile) pins the JSON path regardless.
    r = await run('pnpm', ['--dir', suite.dir, 'exec', 'playwright', 'test'], {
      timeoutMs: SUITE_TIMEOUT_MS,
      env: { PLAYWRIGHT_JSON_OUTPUT_FILE: suite.json, ...(process.stdout.isTTY ? { PLAYWRIGHT_FORCE_TTY: '1' } : {}) },
    });
  } else {
    banner(`test script: ${suite.pkgName}`);
    r = await run('pnpm', ['--dir', suite.dir, 'run', 'test'], { timeoutMs: SUITE_TIMEOUT_MS });
  }
  const { report, reportError } = suite.kind === 'script' ? { report: null, reportError: null } : readJson(suite.json);
  const res = judgeSuite(suite.id, { ...r, report, reportError: r.spawnError ?? reportError, kind: suite.kind });
  res.ms = r.ms;
  return res;
}

/** The suites that also run under Node 24 (--node24): the ones that load better-sqlite3 and spawn the gateway. */
const NODE24_SUITES = ['gateway', 'cli'];

/** Runs NODE24_SUITES of `suites` in a workspace copy installed with Node 24; one extra row for that set-up. */
async function runUnderNode24(suites) {
  const picked = suites.filter((s) => NODE24_SUITES.includes(s.id));
  if (!picked.length) return [];
  banner(`Node ${NODE24.version}: install a copy of the workspace`);
  const setup = { name: `node ${NODE24.version} setup`, passed: 0, failed: 0, skipped: 0, status: 'ok', notes: [], warnings: [] };
  const started = Date.now();
  let prepared;
  try {
    prepared = prepareNode24Workspace({ log: (line) => console.log(dim(`[node24] ${line}`)) });
  } catch (err) {
    Object.assign(setup, { failed: 1, status: 'FAILED', ms: Date.now() - started });
    setup.notes.push(`${firstLine(err.message)}; the ${picked.map((s) => s.id).join(' and ')} suites did NOT run under Node 24`);
    console.error(red(String(err.message)));
    return [setup];
  }
  setup.ms = Date.now() - started;
  const results = [setup];
  try {
    for (const suite of picked) {
      results.push(
        await runSuite({
          ...suite,
          id: `${suite.id}@node24`,
          pkgName: `${suite.pkgName} under Node ${prepared.version}`,
          dir: path.join(prepared.root, path.relative(REPO, suite.dir)),
          json: suite.json.replace(/\.json$/, '-node24.json'),
          env: prepared.env,
        }),
      );
    }
  } finally {
    prepared.cleanup();
  }
  return results;
}

function printTable(results) {
  const rows = [['suite', 'passed', 'failed', 'skipped', 'time', 'status']];
  for (const r of results) {
    rows.push([r.name, String(r.passed), String(r.failed), String(r.skipped), `${(r.ms / 1000).toFixed(1)}s`, r.status]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const fmt = (row) => row.map((c, i) => (i >= 1 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log('');
  console.log(bold(fmt(rows[0])));
  console.log(dim(widths.map((w) => '─'.repeat(w)).join('  ')));
  for (const [i, r] of results.entries()) {
    const line = fmt(rows[i + 1]);
    console.log(r.failed ? red(line) : r.status === 'ok' ? line : yellow(line));
    for (const n of r.notes) console.log(`  ${dim('↳')} ${n}`);
  }
}

async function main(argv) {
  const only = [];
  let build = true;
  let node24 = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') {
      if (!argv[i + 1]) return usage('--only needs a suite name');
      only.push(...argv[++i].split(','));
    } else if (a.startsWith('--only=')) only.push(...a.slice(7).split(','));
    else if (a === '--no-build') build = false;
    else if (a === '--node24') node24 = true;
    else if (a === '-h' || a === '--help') return usage(null);
    else return usage(`unknown argument: ${a}`);
  }

  let suites = discoverSuites();
  if (only.length) {
    const unknown = only.filter((o) => !suites.some((s) => [s.id, s.pkgName, s.pkgName.replace(/^@[^/]+\//, '')].includes(o)));
    if (unknown.length) return usage(`unknown suite(s): ${unknown.join(', ')} (available: ${suites.map((s) => s.id).join(', ')})`);
    suites = suites.filter((s) => only.some((o) => [s.id, s.pkgName, s.pkgName.replace(/^@[^/]+\//, '')].includes(o)));
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  rmSync(path.join(RESULTS_DIR, 'summary.txt'), { force: true });

  const results = [];
  const warnings = [];
  const t0 = Date.now();

  if (build) {
    banner('pnpm build');
    const b = await run('pnpm', ['build'], { timeoutMs: SUITE_TIMEOUT_MS });
    if (b.exitCode !== 0) {
      const res = { name: 'build', passed: 0, failed: 1, skipped: 0, ms: b.ms, status: 'FAILED', notes: [], warnings: [] };
      res.notes.push(
        b.spawnError ? `could not run pnpm (${b.spawnError}); run: bash scripts/setup.sh` : `pnpm build ${b.timedOut ? 'timed out' : `exited with code ${b.exitCode ?? b.signal}`}; tests were NOT run (fix the build errors above)`,
      );
      printTable([res]);
      console.error(red('\n✗ build failed; no tests were run'));
      console.log(closingLine(totals([res])));
      return 1;
    }
  }

  for (const suite of suites) {
    const res = await runSuite(suite);
    results.push(res);
    warnings.push(...res.warnings);
  }
  if (node24) {
    for (const res of await runUnderNode24(suites)) {
      results.push(res);
      warnings.push(...res.warnings);
    }
  }

  printTable(results);
  for (const w of warnings) console.log(yellow(`warning: ${w}`));
  const crashed = results.filter((r) => r.status === 'CRASHED' || /timed out|killed/.test(r.notes.join(' ')));
  for (const r of crashed) console.log(red(`✗ runner for "${r.name}" crashed or produced no report (counted as failed): ${r.notes.join('; ')}`));
  const t = totals(results);
  const failedSuites = results.filter((r) => r.failed > 0).map((r) => r.name);
  console.log(
    failedSuites.length
      ? red(`\n✗ failures in: ${failedSuites.join(', ')}  (${((Date.now() - t0) / 1000).toFixed(1)}s)`)
      : green(`\n✓ all ${results.length} suite(s) passed  (${((Date.now() - t0) / 1000).toFixed(1)}s)`),
  );
  // .ci/run prints this file again after `pnpm test`, whose own trailing
  // ELIFECYCLE line would otherwise follow the summary.
  writeFileSync(path.join(RESULTS_DIR, 'summary.txt'), `${closingLine(t)}\n`);
  console.log(closingLine(t)); // MUST stay the last line printed
  return t.failed > 0 ? 1 : 0;
}

function usage(error) {
  const text = 'usage: node scripts/test-all.mjs [--only gateway|cli|e2e[,...]] [--no-build] [--node24]';
  if (error) {
    console.error(red(`error: ${error}`));
    console.error(text);
    console.log(closingLine({ passed: 0, failed: 1, skipped: 0 }));
    return 2;
  }
  console.log(text);
  return 0;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(red(`[test-all] internal error: ${err?.stack ?? err}`));
      console.log(closingLine({ passed: 0, failed: 1, skipped: 0 }));
      process.exitCode = 1;
    },
  );
}
