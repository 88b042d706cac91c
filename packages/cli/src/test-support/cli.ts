import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI: tests run what users run. Build first (pnpm --filter @mcp-gateway/cli build). */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A fresh private home per test; never the user's ~/.mcp-gateway. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'mcp-gateway-cli-test-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

function childEnv(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MCP_GATEWAY_HOME: home };
  // The developer's shell must not change what the tests see.
  delete env.MCP_GATEWAY_PORT;
  return { ...env, ...extra };
}

function spawnCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [CLI, '--home', home, ...args], { env: childEnv(home, env), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs one command to completion; `env` adds to (or overrides) the test environment. */
export function runCli(home: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const child = spawnCli(home, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface GatewayProcess {
  url: string;
  /** Headers with the API token (from <home>/token). */
  auth: Record<string, string>;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Sends the signal and resolves with the exit code. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Runs `mcp-gateway start --port 0` and resolves once it printed its whole banner. */
export function startGatewayProcess(home: string, extraArgs: string[] = []): Promise<GatewayProcess> {
  const child = spawnCli(home, ['start', '--port', '0', ...extraArgs]);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('gateway did not print its URL within 10 s')), 10_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /UI\s+(http:\/\/\S+)\/ui\//.exec(stdout);
      if (match?.[1] && stdout.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        const url = match[1];
        resolve({
          url,
          auth: { authorization: `Bearer ${readFileSync(join(home, 'token'), 'utf8').trim()}` },
          child,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        });
      }
    });
    void exited.then((code) => fail(new Error(`gateway exited early with code ${code}`)));
  });
}

/** Polls until `check` returns true; fails after `timeoutMs`. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
