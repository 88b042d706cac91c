// Running the package the way a user does: commands in a clean environment,
// outside the repository, with their own HOME.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
export const PACK_SCRIPT = path.join(REPO, 'scripts', 'pack.mjs');

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface UserEnvOptions {
  /** The user's home: npm's cache and config, and what the gateway would use without MCP_GATEWAY_HOME. */
  home: string;
  /** MCP_GATEWAY_HOME, when the command runs the gateway or the CLI. */
  gatewayHome?: string;
}

/**
 * This process's environment as a user's shell would have it: without what pnpm
 * and vitest set for the test run (npm_config_*, npm_package_*, VITEST, ...), and
 * without a developer's MCP_GATEWAY_* settings. Proxy and CA settings stay.
 */
export function userEnv({ home, gatewayHome }: UserEnvOptions): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_|vitest|mcp_gateway_)/i.test(key) && key !== 'NODE_OPTIONS'),
  );
  env.HOME = home;
  // This machine type reaches no nodejs.org: node-gyp compiles better-sqlite3
  // against the headers Debian installs, as scripts/setup.sh arranges.
  if (existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  if (gatewayHome) env.MCP_GATEWAY_HOME = gatewayHome;
  return env;
}

/** Runs a command to completion with its output captured; rejects only when it cannot start or overruns. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an overrun kills what it started too (npm's node-gyp and make, the compiler).
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is gone already
      }
      reject(new Error(`${command} ${args.join(' ')} took over ${options.timeoutMs / 1000} s\n${stdout}\n${stderr}`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** What a failed command said, for an assertion message. */
export function describeResult(what: string, result: CommandResult): string {
  return `${what} exited with ${result.code ?? result.signal}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s${lastError ? ` (${String(lastError)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
