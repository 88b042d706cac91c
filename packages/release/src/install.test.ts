// The publishable package, end to end as a user gets it: `node scripts/pack.mjs`,
// then `npm install -g <tarball>` into an empty prefix and `npx ./<tarball>`, both
// with the machine's npm, their own HOME and the registry (better-sqlite3 is
// fetched and compiled as on any machine without a prebuilt binary). The
// installed `mcp-gateway start` then proxies a real SDK server, records the
// call, and serves the UI to Chromium, all from its own files.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstream, type TestUpstream } from '../../gateway/src/test-support/upstream.js';
import { describeResult, eventually, freePort, PACK_SCRIPT, REPO, runCommand, userEnv, type CommandResult } from './test-support/commands.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL_TIMEOUT_MS = 180_000;

const work = mkdtempSync(path.join(os.tmpdir(), 'mcp-gateway-release-'));
const dirs = { home: path.join(work, 'home'), prefix: path.join(work, 'prefix'), gateway: path.join(work, 'gateway-home'), files: path.join(work, 'unpacked') };
for (const dir of Object.values(dirs)) mkdirSync(dir);

let tarball = '';
let npxVersion: CommandResult;
let manifest: { name: string; version: string; [field: string]: unknown };

beforeAll(async () => {
  // --no-build: like the CLI and e2e suites, this one tests what `pnpm build` (which scripts/test-all.mjs runs first) made.
  const packed = await runCommand(process.execPath, [PACK_SCRIPT, '--no-build'], { cwd: REPO, env: userEnv({ home: dirs.home }), timeoutMs: 120_000 });
  expect(packed.code, describeResult('node scripts/pack.mjs', packed)).toBe(0);
  tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
  expect(path.isAbsolute(tarball) && tarball.startsWith(path.join(REPO, 'dist') + path.sep), `last line: ${tarball}`).toBe(true);
  expect(statSync(tarball).isFile()).toBe(true);

  // A user's tarball sits in some folder of theirs: run npm from there, not under
  // the repository, whose .npmrc would otherwise apply.
  copyFileSync(tarball, path.join(work, path.basename(tarball)));
  const env = userEnv({ home: dirs.home });
  // Each install compiles better-sqlite3; sqlite3.c is one file, one core each,
  // so on 2 cores the two take the time of one.
  const [installed, npx] = await Promise.all([
    runCommand('npm', ['install', '--global', '--prefix', dirs.prefix, `./${path.basename(tarball)}`], { cwd: work, env, timeoutMs: INSTALL_TIMEOUT_MS }),
    runCommand('npx', ['--yes', `./${path.basename(tarball)}`, '--version'], { cwd: work, env, timeoutMs: INSTALL_TIMEOUT_MS }),
  ]);
  expect(installed.code, describeResult('npm install --global', installed)).toBe(0);
  npxVersion = npx;

  const untar = await runCommand('tar', ['-xzf', tarball, '-C', dirs.files], { cwd: work, env, timeoutMs: 30_000 });
  expect(untar.code, describeResult('tar -xzf', untar)).toBe(0);
  manifest = JSON.parse(readFileSync(path.join(dirs.files, 'package', 'package.json'), 'utf8'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true, maxRetries: 3 });
});

/** Every file in the unpacked tarball, relative to its package/ folder. */
function tarballFiles(): string[] {
  const root = path.join(dirs.files, 'package');
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.relative(root, path.join(dir, entry.name))],
    );
  return walk(root).sort();
}

describe('the tarball', () => {
  it('is the package the repository describes: one bin, the root version and engines, better-sqlite3 its only dependency', () => {
    const root = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
    expect(manifest.version).toBe(root.version);
    expect(manifest.engines).toEqual(root.engines);
    expect(manifest.bin).toEqual({ 'mcp-gateway': 'lib/main.js' });
    expect(Object.keys(manifest.dependencies as object)).toEqual(['better-sqlite3']);
    for (const field of ['devDependencies', 'scripts', 'private', 'workspaces']) expect(manifest).not.toHaveProperty(field);
    expect(path.basename(tarball)).toBe(`${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`);
    // The changelog has an entry for the version it ships.
    expect(readFileSync(path.join(dirs.files, 'package', 'CHANGELOG.md'), 'utf8')).toContain(`## [${manifest.version}]`);
  });

  it('holds the bundle, the UI, the migrations and the documents, and nothing else', () => {
    const files = tarballFiles();
    const top = [...new Set(files.map((f) => f.split(path.sep)[0]))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'THIRD-PARTY-LICENSES.md', 'drizzle', 'lib', 'package.json', 'ui']);
    expect(files).toContain(path.join('lib', 'main.js'));
    expect(files).toContain(path.join('lib', 'writer-worker.js'));
    expect(files).toContain(path.join('ui', 'index.html'));
    expect(files).toContain(path.join('drizzle', 'meta', '_journal.json'));
    expect(files.filter((f) => f.startsWith(`drizzle${path.sep}`) && f.endsWith('.sql')).length).toBeGreaterThan(0);
    expect(files.filter((f) => /(^|[/.])(test|spec)s?([/.]|$)|test-support|__tests__|vitest/i.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || /\.m?ts$/.test(f))).toEqual([]);
    const mapComments = files.filter((f) => /\.(m?js|css)$/.test(f) && /sourceMappingURL=/.test(readFileSync(path.join(dirs.files, 'package', f), 'utf8')));
    expect(mapComments).toEqual([]);
    // esbuild heads each bundled module with a `// <path>` comment: none may be test code.
    const modules = files
      .filter((f) => f.startsWith(`lib${path.sep}`))
      .flatMap((f) => readFileSync(path.join(dirs.files, 'package', f), 'utf8').match(/^\/\/ \S+\.m?[jt]s$/gm) ?? []);
    expect(modules.length).toBeGreaterThan(0);
    expect(modules.filter((m) => /test-support|\.(test|spec)\.|vitest|playwright/.test(m))).toEqual([]);
  });

  it('names no path of the machine it was built on', () => {
    // The repository and the home folder, each as a whole path: "/root" alone would also match "notifications/roots".
    const machinePaths = [...new Set([REPO, realpathSync(REPO), os.homedir()])].filter((p) => p !== '/').map((p) => `${p}/`);
    const offenders = tarballFiles().flatMap((f) => {
      const text = readFileSync(path.join(dirs.files, 'package', f), 'latin1');
      return machinePaths.filter((p) => text.includes(p)).map((p) => `${f} mentions ${p}`);
    });
    expect(offenders).toEqual([]);
  });
});

describe('the installed command', () => {
  const bin = () => path.join(dirs.prefix, 'bin', 'mcp-gateway');

  it('prints the package version, installed with npm install -g and through npx', async () => {
    const version = await runCommand(bin(), ['--version'], { cwd: work, env: userEnv({ home: dirs.home }), timeoutMs: 20_000 });
    expect(version.code, describeResult('mcp-gateway --version', version)).toBe(0);
    expect(version.stdout.trim()).toBe(manifest.version);
    expect(npxVersion.code, describeResult('npx ./<tarball> --version', npxVersion)).toBe(0);
    expect(npxVersion.stdout.trim().split('\n').at(-1)).toBe(manifest.version);
  });

  describe('start', () => {
    let gateway: ChildProcess;
    let output = '';
    let url = '';
    let token = '';
    let upstream: TestUpstream;
    const env = () => userEnv({ home: dirs.home, gatewayHome: dirs.gateway });
    const auth = () => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      upstream = await startUpstream();
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      gateway = spawn(bin(), ['start', '--port', String(port)], { cwd: work, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
      gateway.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      gateway.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      await eventually(`the installed gateway answering on ${url}\n${output}`, async () => {
        if (gateway.exitCode !== null) throw new Error(`it exited with ${gateway.exitCode}: ${output}`);
        token = readFileSync(path.join(dirs.gateway, 'token'), 'utf8').trim();
        const health = await fetch(`${url}/api/health`, { headers: auth() });
        return health.ok ? true : undefined;
      }, 20_000);
    });

    afterAll(async () => {
      if (gateway && gateway.exitCode === null) {
        const exited = new Promise((resolve) => gateway.once('exit', resolve));
        gateway.kill('SIGTERM');
        await exited;
      }
      await upstream?.close();
    });

    it('reports the package version, in /api/health and in the OpenAPI document', async () => {
      const health = (await (await fetch(`${url}/api/health`, { headers: auth() })).json()) as { version: string };
      expect(health.version).toBe(manifest.version);
      const openapi = (await (await fetch(`${url}/api/openapi.json`, { headers: auth() })).json()) as { info: { version: string } };
      expect(openapi.info.version).toBe(manifest.version);
    });

    it('proxies a call to a server added with the installed CLI, and records it', async () => {
      const added = await runCommand(bin(), ['server', 'add', 'upstream', upstream.url], { cwd: work, env: env(), timeoutMs: 20_000 });
      expect(added.code, describeResult('mcp-gateway server add', added)).toBe(0);
      await eventually('the running gateway seeing the new server', async () => {
        const list = (await (await fetch(`${url}/api/servers`, { headers: auth() })).json()) as { servers: Array<{ name: string }> };
        return list.servers.some((s) => s.name === 'upstream') ? true : undefined;
      });

      const client = new Client({ name: 'release-test-client', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/s/upstream/mcp`)));
      const result = (await client.callTool({ name: 'echo', arguments: { text: 'through-the-installed-package' } })) as { content: Array<{ text?: string }> };
      await client.close();
      expect(result.content[0]?.text).toBe('through-the-installed-package');
      expect(upstream.requests.some((r) => r.body.includes('through-the-installed-package'))).toBe(true);

      type Listed = { direction: string; kind: string; method: string | null; body: string };
      const recorded = await eventually('the call and its answer in /api/messages', async () => {
        const page = (await (await fetch(`${url}/api/messages?q=through-the-installed-package`, { headers: auth() })).json()) as { messages: Listed[] };
        const request = page.messages.find((m) => m.direction === 'client_to_server' && m.method === 'tools/call');
        const response = page.messages.find((m) => m.direction === 'server_to_client' && m.kind === 'response');
        return request && response ? { request, response } : undefined;
      });
      expect(JSON.parse(recorded.request.body)).toMatchObject({ method: 'tools/call', params: { name: 'echo', arguments: { text: 'through-the-installed-package' } } });
      expect(recorded.response.body).toContain('through-the-installed-package');
    });

    it('serves the UI from its own files, and Chromium shows the recorded call', async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
        });
        page.on('response', (response) => {
          if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) problems.push(`${response.status()} ${response.url()}`);
        });
        // The link `mcp-gateway start` prints: the token travels in the fragment.
        expect(output).toContain(`${url}/ui/#token=${token}`);
        await page.goto(`${url}/ui/#token=${token}`);
        await page.getByText('tools/call').first().waitFor({ timeout: 15_000 });
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    });

    it('stops cleanly on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
      gateway.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      // A thread started from a file the package lacks (writer, exporter, alerts) says so here, not by exiting.
      expect(output.split('\n').filter((line) => /fail|error/i.test(line))).toEqual([]);
    });
  });
});
