import { findRunningGateway, homePaths, processAlive, resolveHome } from '@mcp-gateway/gateway';
import { CliError } from '../errors.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

/** Stops the gateway of a home (one started by `start`, or in the background by `connect` or `demo`): SIGTERM, so it drains first. */
export async function stopGateway(options: GlobalOptions & { timeoutMs?: number }): Promise<void> {
  const home = resolveHome(options.home);
  const running = await findRunningGateway(homePaths(home).runtime);
  if (!running) {
    say(`No gateway is running for ${home}.`);
    return;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (processAlive(running.pid)) {
    if (Date.now() > deadline) throw new CliError(`the gateway (pid ${running.pid}) did not stop within 10 s; end it with: kill -9 ${running.pid}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  say(`Stopped the gateway at ${running.url} (pid ${running.pid}).`);
}
