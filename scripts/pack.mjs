#!/usr/bin/env node
// Builds the one package a user installs and runs (`npx @mcp-gateway/mcp-gateway start`)
// and writes its tarball under dist/. The tarball's absolute path is the LAST line printed.
//
//   node scripts/pack.mjs              pnpm build, bundle, stage dist/package/, npm pack
//   node scripts/pack.mjs --no-build   the same without `pnpm build` (the workspace is built)
//
// What the package holds (dist/package/, then dist/<name>-<version>.tgz):
//   package.json     generated here: the version and engines are the root package.json's,
//                    the better-sqlite3 range the gateway's
//   lib/main.js      the CLI with the gateway, bundled by esbuild from tsc's output; ESM and
//                    code-split, so `--version` and `--help` still load no gateway code
//   lib/writer-worker.js  the storage writer thread, which the gateway starts from its own file
//   lib/otel-worker.js    the OpenTelemetry exporter thread, started the same way when export is on
//   lib/worker.js    the alerts analyzer thread, likewise (pack refuses a bundle that lacks such a file)
//   lib/chunk-*.js   code the entries share
//   ui/              packages/ui/dist
//   drizzle/         the SQL migrations and meta/_journal.json (drizzle-kit's snapshots stay out)
//   README.md (packages/release/README.md, the registry page), LICENSE, CHANGELOG.md,
//   THIRD-PARTY-LICENSES.md (the licenses of the code bundled into lib/ and ui/)
// No source maps: lib/ is not minified, so stack traces already point at readable code.
//
// better-sqlite3 is the one dependency: it is native, so it has to build (or fetch its
// prebuilt binary) on the user's machine. Everything else is bundled.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

/** The registry name: `mcp-gateway` itself belongs to another project. */
export const PACKAGE_NAME = '@mcp-gateway/mcp-gateway';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(REPO, 'dist');
const STAGE = path.join(DIST, 'package');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** The environment without what pnpm or npm put there for the script that runs us (npm_config_*, npm_package_*, ...). */
export function cleanEnv(env = process.env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key)));
}

function fail(message) {
  console.error(`pack: error: ${message}`);
  process.exit(1);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with code ${result.status ?? result.signal}`);
  return result;
}

function manifest() {
  const root = readJson(path.join(REPO, 'package.json'));
  const gateway = readJson(path.join(REPO, 'packages/gateway/package.json'));
  return {
    name: PACKAGE_NAME,
    version: root.version,
    description:
      'A local debugging gateway for the Model Context Protocol: MCP clients connect through it to their servers, ' +
      'every JSON-RPC message is recorded, and a web inspector shows the traffic live.',
    keywords: ['mcp', 'model-context-protocol', 'gateway', 'proxy', 'debugging', 'inspector'],
    license: 'MIT',
    type: 'module',
    bin: { 'mcp-gateway': 'lib/main.js' },
    files: ['lib/', 'ui/', 'drizzle/', 'README.md', 'LICENSE', 'CHANGELOG.md', 'THIRD-PARTY-LICENSES.md'],
    engines: root.engines,
    dependencies: { 'better-sqlite3': gateway.dependencies['better-sqlite3'] },
  };
}

async function bundle() {
  const result = await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: {
      // Named as in the CLI's dist/, so code that finds the entry as ./main.js beside it still does.
      main: 'packages/cli/dist/main.js',
      'writer-worker': 'packages/gateway/dist/store/writer-worker.js',
      'otel-worker': 'packages/gateway/dist/otel/otel-worker.js',
      // alerts/service.ts starts it as ./worker.js beside itself.
      worker: 'packages/gateway/dist/alerts/worker.js',
    },
    outdir: path.join(STAGE, 'lib'),
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    external: ['better-sqlite3'],
    // package-files.ts: the migrations, the UI and package.json sit beside lib/.
    define: { MCP_GATEWAY_BUNDLED: 'true' },
    // Bundled CommonJS (commander, ajv, ...) calls require() for node: modules; ESM has none.
    banner: { js: "import { createRequire as __mcpGatewayRequire } from 'node:module';\nconst require = __mcpGatewayRequire(import.meta.url);" },
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(result.metafile.inputs);
}

/**
 * Each thread the gateway starts from its own file (`new Worker(new URL('./x.js', import.meta.url))`)
 * needs that file in lib/, so an entry above: a missing one would only fail when the thread starts.
 */
function checkThreadScripts() {
  const lib = path.join(STAGE, 'lib');
  const missing = new Set();
  for (const file of readdirSync(lib)) {
    const text = readFileSync(path.join(lib, file), 'utf8');
    for (const [, name] of text.matchAll(/new URL\(\s*["']\.\/([\w.-]+\.m?js)["']\s*,\s*import\.meta\.url\s*\)/g)) {
      if (!existsSync(path.join(lib, name))) missing.add(`lib/${name}`);
    }
  }
  if (missing.size) fail(`the bundle loads ${[...missing].join(', ')}, which it does not have: add its script to entryPoints in scripts/pack.mjs`);
}

/** The package folder holding a bundled file, from the last node_modules/ in its path. */
function packageDirOf(file) {
  const match = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match ? path.join(REPO, match[1], match[2]) : null;
}

/** Runtime dependencies of a package, found the way Node finds them (pnpm links them beside it). */
function dependencyDirs(dir) {
  const deps = Object.keys(readJson(path.join(dir, 'package.json')).dependencies ?? {});
  return deps.flatMap((name) => {
    for (let at = dir; at !== path.dirname(at); at = path.dirname(at)) {
      const candidate = path.join(at, 'node_modules', name);
      if (existsSync(path.join(candidate, 'package.json'))) return [realpathSync(candidate)];
    }
    return [];
  });
}

/**
 * A package's own license file, or, for one that ships none (drizzle-orm, @cfworker/json-schema),
 * the standard text of the license its package.json names, from packages/release/licenses/.
 */
function licenseText(dir, pkg) {
  const file = readdirSync(dir).find((f) => /^licen[cs]e(\.md|\.txt)?$/i.test(f));
  if (file) return readFileSync(path.join(dir, file), 'utf8').trim();
  const standard = path.join(REPO, 'packages/release/licenses', `${pkg.license}.txt`);
  if (typeof pkg.license !== 'string' || !existsSync(standard)) {
    fail(`${pkg.name}@${pkg.version} ships no license file and names "${pkg.license}"; add that license's text as ${path.relative(REPO, standard)}`);
  }
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return [
    `${pkg.name} ships no license file; its package.json names ${pkg.license}${author ? `, author ${author}` : ''}. The standard text:`,
    '',
    readFileSync(standard, 'utf8').trim(),
  ].join('\n');
}

function thirdPartyLicenses(bundledFiles) {
  const dirs = new Set(bundledFiles.map(packageDirOf).filter(Boolean).map((d) => realpathSync(d)));
  // The UI's bundle (vite) has no metafile here: take its runtime dependencies, transitively.
  const pending = dependencyDirs(path.join(REPO, 'packages/ui'));
  while (pending.length) {
    const dir = pending.pop();
    if (dirs.has(dir)) continue;
    dirs.add(dir);
    pending.push(...dependencyDirs(dir));
  }
  const byId = new Map();
  for (const dir of dirs) {
    const pkg = readJson(path.join(dir, 'package.json'));
    byId.set(`${pkg.name}@${pkg.version}`, licenseText(dir, pkg));
  }
  const sections = [...byId].map(([id, text]) => ({ id, text })).sort((a, b) => a.id.localeCompare(b.id));
  return [
    '# Third-party licenses',
    '',
    `lib/ and ui/ contain code from these ${sections.length} packages, bundled, under their own licenses:`,
    '',
    ...sections.flatMap(({ id, text }) => [`## ${id}`, '', '```text', text, '```', '']),
  ].join('\n');
}

function stage(bundledFiles) {
  cpSync(path.join(REPO, 'packages/ui/dist'), path.join(STAGE, 'ui'), { recursive: true });
  const drizzle = path.join(REPO, 'packages/gateway/drizzle');
  mkdirSync(path.join(STAGE, 'drizzle/meta'), { recursive: true });
  for (const file of readdirSync(drizzle).filter((f) => f.endsWith('.sql'))) {
    cpSync(path.join(drizzle, file), path.join(STAGE, 'drizzle', file));
  }
  cpSync(path.join(drizzle, 'meta/_journal.json'), path.join(STAGE, 'drizzle/meta/_journal.json'));
  cpSync(path.join(REPO, 'packages/release/README.md'), path.join(STAGE, 'README.md'));
  cpSync(path.join(REPO, 'LICENSE'), path.join(STAGE, 'LICENSE'));
  cpSync(path.join(REPO, 'CHANGELOG.md'), path.join(STAGE, 'CHANGELOG.md'));
  writeFileSync(path.join(STAGE, 'THIRD-PARTY-LICENSES.md'), thirdPartyLicenses(bundledFiles));
  writeFileSync(path.join(STAGE, 'package.json'), `${JSON.stringify(manifest(), null, 2)}\n`);
}

/**
 * Files under dir (relative paths) that mention a path of this machine: the repository or the
 * home folder, as a whole path segment (a home of /root must not match "notifications/roots").
 */
export function filesNamingThisMachine(dir, machinePaths = [REPO, realpathSync(REPO), os.homedir()]) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const needles = [...new Set(machinePaths.filter((p) => p && p !== '/'))];
  const pattern = new RegExp(`(${needles.map(escape).join('|')})(?![A-Za-z0-9_.-])`);
  const hits = [];
  const walk = (at) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (pattern.test(readFileSync(full, 'latin1'))) hits.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return hits;
}

async function main(argv) {
  const unknown = argv.filter((a) => a !== '--no-build');
  if (unknown.length) {
    console.error(`pack: unknown argument: ${unknown[0]}\nusage: node scripts/pack.mjs [--no-build]`);
    return 2;
  }
  if (!argv.includes('--no-build')) run('pnpm', ['build']);
  for (const needed of ['packages/cli/dist/main.js', 'packages/gateway/dist/store/writer-worker.js', 'packages/gateway/dist/otel/otel-worker.js', 'packages/ui/dist/index.html']) {
    if (!existsSync(path.join(REPO, needed))) fail(`${needed} is missing; run pnpm build (or drop --no-build)`);
  }
  rmSync(STAGE, { recursive: true, force: true });
  mkdirSync(STAGE, { recursive: true });
  stage(await bundle());
  checkThreadScripts();
  const leaks = filesNamingThisMachine(STAGE);
  if (leaks.length) fail(`these files would ship a path of this machine: ${leaks.join(', ')}`);

  const packed = run('npm', ['pack', '--json', '--pack-destination', DIST], {
    cwd: STAGE,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const [{ filename, files, size }] = JSON.parse(packed.stdout);
  const tarball = path.join(DIST, path.basename(filename));
  console.log(`pack: ${files.length} files, ${(size / 1024).toFixed(0)} kB packed`);
  console.log(tarball); // MUST stay the last line printed
  return 0;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) process.exitCode = await main(process.argv.slice(2));
