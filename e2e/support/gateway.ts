/**
 * Playwright fixture that runs the REAL built gateway:
 *
 *   node packages/cli/dist/main.js start --port <free port> --home <fresh temp dir>
 *
 * with MCP_GATEWAY_HOME=<same temp dir> (tests never touch ~/.mcp-gateway), waits for
 * `GET /api/health` to answer 200, and stops it with SIGTERM afterwards (then removes the dir).
 *
 *   import { test, expect } from '../support/gateway.js';
 *   test('...', async ({ page, gateway }) => { await page.goto(`${gateway.url}/ui`); });
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type BrowserContext } from '@playwright/test';
import { CLI_MAIN, REPO_ROOT } from './paths.js';

export interface Gateway {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:43123 */
  url: string;
  port: number;
  /** The gateway's private home directory (MCP_GATEWAY_HOME), deleted after the worker ends. */
  home: string;
  /** Everything the gateway process printed so far (stdout + stderr, tail-bounded). */
  logs: () => string;
  /** The API token (from <home>/token). */
  token: string;
  /** Headers that carry the token, for direct API calls from tests. */
  auth: Record<string, string>;
}

export interface StartGatewayOptions {
  /** Extra CLI arguments appended after `start --port N --home DIR`. */
  args?: string[];
  /** Extra environment variables for the gateway process. */
  env?: Record<string, string>;
  /** How long to wait for /api/health (default 15 s). */
  healthTimeoutMs?: number;
  /** A script to run instead of the CLI, taking the same arguments; its stdin is a pipe the test can write to. */
  entry?: string;
}

export interface RunningGateway extends Gateway {
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a gateway in a fresh temp home. Prefer the `gateway` fixture; this is for tests needing several. */
export async function startGateway(opts: StartGatewayOptions = {}): Promise<RunningGateway> {
  if (!existsSync(CLI_MAIN)) {
    throw new Error(`${path.relative(REPO_ROOT, CLI_MAIN)} does not exist. Build first: pnpm build`);
  }
  const home = await mkdtemp(path.join(os.tmpdir(), 'mcp-gateway-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [opts.entry ?? CLI_MAIN, 'start', '--port', String(port), '--home', home, ...(opts.args ?? [])];

  let output = '';
  const child = spawn(process.execPath, args, {
    cwd: home,
    env: { ...process.env, MCP_GATEWAY_HOME: home, FORCE_COLOR: '0', ...opts.env },
    stdio: [opts.entry ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 100_000) output = output.slice(-50_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((e) => (exitInfo = e));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));

  const stop = async () => {
    if (!exitInfo && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(5_000).then(() => true)]);
      if (timedOut) {
        console.warn(`[gateway fixture] gateway on port ${port} ignored SIGTERM for 5 s; sending SIGKILL`);
        child.kill('SIGKILL');
        await exited;
      }
    }
    await rm(home, { recursive: true, force: true, maxRetries: 3 });
  };

  const describe = () =>
    `command: MCP_GATEWAY_HOME=${home} node ${args.join(' ')}\n` +
    `--- gateway output ---\n${output.trim() || '(nothing)'}\n--- end ---`;

  // Wait for GET /api/health == 200.
  const timeoutMs = opts.healthTimeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    if (spawnError || exitInfo) {
      await stop();
      throw new Error(
        `gateway exited before becoming healthy (${spawnError ? spawnError.message : `code ${exitInfo?.code}, signal ${exitInfo?.signal}`}).\n${describe()}`,
      );
    }
    try {
      const token = await readFile(path.join(home, 'token'), 'utf8').then((t) => t.trim()).catch(() => '');
      const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) break;
      lastProblem = `GET /api/health answered ${res.status}`;
    } catch (err) {
      lastProblem = `GET /api/health failed: ${(err as Error).message}`;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gateway did not become healthy within ${timeoutMs / 1000} s (${lastProblem}).\n${describe()}`);
    }
    await sleep(100);
  }

  const token = (await readFile(path.join(home, 'token'), 'utf8')).trim();
  return { url, port, home, token, auth: { authorization: `Bearer ${token}` }, logs: () => output, process: child, stop };
}

/** Puts the token where the UI keeps it, as opening the printed `/ui/#token=...` link would. */
export async function authorize(context: BrowserContext, gateway: Pick<Gateway, 'url' | 'token'>): Promise<void> {
  // Only on that gateway's origin: a test may open other gateways, with tokens of their own.
  await context.addInitScript(
    ({ origin, token }) => {
      if (window.location.origin === origin) window.localStorage.setItem('mcp-gateway-token', token);
    },
    { origin: gateway.url, token: gateway.token },
  );
}

export const test = base.extend<{ context: BrowserContext }, { gateway: Gateway }>({
  gateway: [
    async ({}, use) => {
      const gw = await startGateway();
      try {
        await use({ url: gw.url, port: gw.port, home: gw.home, token: gw.token, auth: gw.auth, logs: gw.logs });
      } finally {
        await gw.stop();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  context: async ({ context, gateway }, use) => {
    await authorize(context, gateway);
    await use(context);
  },
});

export { expect };
