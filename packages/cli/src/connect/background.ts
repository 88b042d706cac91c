import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateHome, findRunningGateway, type RunningInfo } from '@mcp-gateway/gateway';
import { CliError } from '../errors.js';
import { cliEntry } from '../self.js';

export interface BackgroundOptions {
  home: string;
  port: number;
  log: (line: string) => void;
  timeoutMs?: number;
}

/** Where a gateway started in the background writes its banner and log (0600, appended). */
export function backgroundLog(home: string): string {
  return join(home, 'gateway.log');
}

function lastLines(file: string, count: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-count).join(' | ');
  } catch {
    return '';
  }
}

/**
 * The gateway of this home, started in the background when none runs: a
 * detached `mcp-gateway start` on the same home and port, which outlives the
 * command that started it (stop it with `mcp-gateway stop`). Several callers
 * racing (a client launching all its servers at once) each may start one; all
 * but one find the port taken and exit, and every caller waits for the one
 * that answers.
 */
export async function ensureGateway(options: BackgroundOptions): Promise<RunningInfo> {
  const paths = ensurePrivateHome(options.home);
  const running = await findRunningGateway(paths.runtime);
  if (running) return running;

  const log = backgroundLog(options.home);
  const fd = openSync(log, 'a', 0o600);
  let exited: number | null = null;
  try {
    const child = spawn(process.execPath, [cliEntry(), '--home', options.home, 'start', '--port', String(options.port)], {
      detached: true,
      stdio: ['ignore', fd, fd],
      windowsHide: true,
    });
    child.once('exit', (code) => (exited = code ?? 1));
    child.unref();
  } finally {
    closeSync(fd);
  }
  options.log(`started a gateway for ${options.home} in the background on port ${options.port} (log: ${log}; stop it with: mcp-gateway stop)`);

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let exitedAt: number | null = null;
  for (;;) {
    const found = await findRunningGateway(paths.runtime, 500);
    if (found) return found;
    if (exited !== null) exitedAt ??= Date.now();
    // Ours exited: another caller's may still be coming up; give it a moment, then report ours.
    if ((exitedAt !== null && Date.now() - exitedAt > 2000) || Date.now() > deadline) {
      const tail = lastLines(log, 2);
      throw new CliError(
        `the gateway for ${options.home} did not start${exited !== null ? ` (exit code ${exited})` : ` within ${Math.round((options.timeoutMs ?? 15_000) / 1000)} s`}${tail ? `: ${tail}` : ''}; see ${log}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
