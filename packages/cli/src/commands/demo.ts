import {
  DEMO_SERVER_NAME,
  driveDemoTraffic,
  ensurePrivateHome,
  findRunningGateway,
  readRegistry,
  registerDemoServer,
  resolveHome,
  type RunningInfo,
} from '@mcp-gateway/gateway';
import { auditFromCli } from '../cli-audit.js';
import { ensureGateway } from '../connect/background.js';
import { CliError } from '../errors.js';
import { asUsageError } from '../gateway-errors.js';
import { DEFAULT_HOST, type GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';
import { demoEntry } from '../self.js';

export interface DemoOptions extends GlobalOptions {
  traffic?: boolean;
  force?: boolean;
  port: number;
}

/** Waits until the running gateway routes `demo` (it polls mcp.json every 200 ms). */
async function waitForDemo(gateway: RunningInfo): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const response = await fetch(`${gateway.url}/api/servers/${DEMO_SERVER_NAME}`, { headers: { authorization: `Bearer ${gateway.token}` } }).catch(() => null);
    await response?.body?.cancel();
    if (response?.ok) return;
    if (Date.now() > deadline) throw new CliError(`the gateway at ${gateway.url} did not pick up server "${DEMO_SERVER_NAME}" within 5 s; check mcp-gateway server list`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function runDemo(options: DemoOptions): Promise<void> {
  const home = resolveHome(options.home);
  const paths = ensurePrivateHome(home);
  let outcome: 'added' | 'updated' | 'unchanged';
  const existed = (() => {
    try {
      return DEMO_SERVER_NAME in readRegistry(paths.registry).parsed.mcpServers;
    } catch (error) {
      throw asUsageError(error);
    }
  })();
  try {
    outcome = await registerDemoServer(paths.registry, demoEntry(), { force: options.force === true });
  } catch (error) {
    throw asUsageError(error);
  }
  let running = await findRunningGateway(paths.runtime);
  if (!running && outcome !== 'unchanged') auditFromCli(paths, { event: existed ? 'server.changed' : 'server.added', subject: DEMO_SERVER_NAME, detail: { keys: ['command', 'args'] } });
  const baseUrl = running?.url ?? `http://${DEFAULT_HOST}:${options.port}`;
  say(`${outcome === 'unchanged' ? 'Server "demo" is registered' : outcome === 'added' ? 'Registered server "demo"' : 'Updated server "demo"'}: the demo stdio server shipped with the gateway (tools echo, count_slowly, fail, report_problem, sleep, large_result; resource demo://readme; prompt greet)`);
  say(`Proxy URL: ${baseUrl}/s/${DEMO_SERVER_NAME}/mcp`);
  if (!options.traffic) {
    say(running ? 'Open the inspector with: mcp-gateway ui   (or fill it with: mcp-gateway demo --traffic)' : 'Fill the inspector with: mcp-gateway demo --traffic   (it starts the gateway if none runs)');
    return;
  }
  running ??= await ensureGateway({ home, port: options.port, log: (line) => warn(line) });
  await waitForDemo(running);
  const result = await driveDemoTraffic(`${running.url}/s/${DEMO_SERVER_NAME}/mcp`);
  say(`Drove a scripted session through the gateway: ${result.calls} calls, ${result.errors} answered with a JSON-RPC error, ${result.toolErrors} with isError.`);
  say(`See it in the inspector: mcp-gateway ui   (the gateway keeps running; stop it with: mcp-gateway stop)`);
}
