import { findRunningGateway, homePaths, resolveHome, startGateway } from '@mcp-gateway/gateway';
import type { GatewayTarget } from './gateway-api.js';
import { asUsageError, isStorageError, storageProblem } from './gateway-errors.js';
import { UsageError } from './errors.js';

/**
 * Runs `work` against the home's running gateway, or, when none runs, against
 * one started in this process on a free loopback port for just that long: the
 * same proxy, recorder and store, so what it does is recorded in the home as
 * if a gateway had been running. `via` says which, for the output.
 */
export async function withGateway<T>(home: string | undefined, work: (gateway: GatewayTarget, via: string) => Promise<T>): Promise<T> {
  const dir = resolveHome(home);
  const paths = homePaths(dir);
  const running = await findRunningGateway(paths.runtime);
  if (running) return work(running, `the gateway at ${running.url}`);
  let started;
  try {
    // Its own log lines would interleave with the command's output; failures come back through the API.
    started = await startGateway({ home: dir, port: 0, log: () => undefined, drainMs: 1000 });
  } catch (error) {
    if (isStorageError(error)) throw new UsageError(storageProblem(paths.database, error));
    throw asUsageError(error);
  }
  try {
    return await work({ url: started.url, token: started.token }, 'a gateway started for this command');
  } finally {
    await started.close();
  }
}
