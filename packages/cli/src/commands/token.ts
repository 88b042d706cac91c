import { GatewayToken, findRunningGateway, homePaths, resolveHome } from '@mcp-gateway/gateway';
import { auditFromCli } from '../cli-audit.js';
import { UsageError } from '../errors.js';
import { callGateway } from '../gateway-api.js';
import type { GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';

export interface TokenOptions extends GlobalOptions {
  rotate?: boolean;
}

/** `mcp-gateway token [--rotate]`: prints the gateway token, or replaces it (at once on a running gateway). */
export async function showToken(options: TokenOptions): Promise<void> {
  const home = resolveHome(options.home);
  const paths = homePaths(home);
  if (process.env.MCP_GATEWAY_TOKEN) {
    if (options.rotate) throw new UsageError('the token comes from MCP_GATEWAY_TOKEN; change that variable (and restart the gateway) to change it');
    say(process.env.MCP_GATEWAY_TOKEN);
    return;
  }
  const running = await findRunningGateway(paths.runtime);
  if (!options.rotate) {
    say(running?.token ?? GatewayToken.load({ file: paths.token, env: {} }).value);
    return;
  }
  if (running) {
    const { token } = await callGateway<{ token: string }>(running, 'POST', '/token/rotate');
    say(token);
    warn(`The old token is refused from now on. Give clients that keep it (the /gateway/mcp header, an open inspector tab) the new one.`);
    return;
  }
  const token = GatewayToken.load({ file: paths.token, env: {} }).rotate();
  auditFromCli(paths, { event: 'token.rotated', subject: null, detail: {} });
  say(token);
  warn(`Written to ${paths.token}; the next gateway start uses it.`);
}
