import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import {
  ensurePrivateHome,
  findRunningGateway,
  homePaths,
  putServer,
  readRegistry,
  resolveHome,
  serverView,
  transportOf,
} from '@mcp-gateway/gateway';
import { auditFromCli } from '../cli-audit.js';
import { ADAPTERS, CLIENT_IDS, isClientId, type ClientAdapter, type ClientContext } from '../clients/index.js';
import { Backups } from '../clients/backups.js';
import { ConfigFileError } from '../clients/json-document.js';
import { tildePath } from '../clients/paths.js';
import { planImport, type PlannedServer } from '../clients/plan.js';
import { readClientConfig } from '../clients/read.js';
import { rewriteClientFiles } from '../clients/rewrite.js';
import { UsageError } from '../errors.js';
import { describeUpstream, plural, table } from '../format.js';
import { asUsageError } from '../gateway-errors.js';
import { DEFAULT_HOST, type GlobalOptions } from '../options.js';
import { say } from '../output.js';
import { connectCommand } from '../self.js';
import { ensureGateway } from '../connect/background.js';

export interface ImportClientOptions extends GlobalOptions {
  client: string;
  apply?: boolean;
  rewrite?: boolean;
  force?: boolean;
  project?: string;
  file?: string;
  /** false (--no-start): do not start a gateway for a client that reaches it by URL. */
  start?: boolean;
  port: number;
}

export function adapterFor(client: string): ClientAdapter {
  if (!isClientId(client)) throw new UsageError(`unknown client ${JSON.stringify(client)}; use one of: ${CLIENT_IDS.join(', ')}`);
  return ADAPTERS[client];
}

export function clientContext(project: string | undefined): ClientContext {
  const dir = resolve(project ?? process.cwd());
  if (project !== undefined && !isDirectory(dir)) throw new UsageError(`--project ${project} is not a folder; give the project's folder`);
  return { platform: process.platform, home: homedir(), env: process.env, project: dir };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function what(plan: PlannedServer, applied: boolean): string {
  const renamed = plan.name !== plan.found.clientName ? ` (renamed from ${JSON.stringify(plan.found.clientName)})` : '';
  switch (plan.action) {
    case 'register':
      return `${applied ? 'registered' : 'register'} as ${plan.name}${renamed}`;
    case 'replace':
      return `${applied ? 'replaced' : 'replace'} ${plan.name}${renamed}`;
    case 'same':
      return `${plan.reason} as ${plan.name}${renamed}`;
    case 'skip':
      return `skip: ${plan.reason}`;
  }
}

export async function importClient(options: ImportClientOptions): Promise<void> {
  const adapter = adapterFor(options.client);
  if (options.rewrite && !options.apply) {
    throw new UsageError(`--rewrite changes ${adapter.label}'s file and needs --apply too: mcp-gateway import ${adapter.id} --apply --rewrite`);
  }
  const context = clientContext(options.project);
  const file = options.file === undefined ? undefined : resolve(options.file);
  const home = resolveHome(options.home);
  const paths = homePaths(home);

  let config: ReturnType<typeof readClientConfig>;
  let registered: ReturnType<typeof readRegistry>['parsed']['mcpServers'];
  try {
    config = readClientConfig(adapter, context, file);
    registered = readRegistry(paths.registry).parsed.mcpServers;
  } catch (error) {
    if (error instanceof ConfigFileError) throw new UsageError(error.message);
    throw asUsageError(error);
  }
  const running = await findRunningGateway(paths.runtime);
  const port = running?.port ?? options.port;
  const baseUrl = running?.url ?? `http://${DEFAULT_HOST}:${port}`;
  const plans = planImport(config.servers, registered, { force: options.force === true });

  const shown = (f: string): string => tildePath(f, context.home);
  const places = [...new Set(config.servers.map((s) => `${shown(s.location.file)} (${s.location.scope})`))];
  const read = [...config.files.keys()].map(shown);
  say(`${adapter.label}: ${plural(plans.length, 'server')} in ${places.length ? places.join(', ') : read.join(', ')}`);
  if (plans.length === 0) {
    say('Nothing to import.');
    return;
  }
  const rows = plans.map((plan) => {
    const entry = plan.entry;
    const upstream = entry ? describeUpstream(serverView({ name: plan.name, entry, transport: transportOf(entry) }, baseUrl), true) : '-';
    return [plan.found.clientName, plan.found.location.scope, entry ? transportOf(entry) : '-', upstream, what(plan, false)];
  });
  for (const line of table([['SERVER', 'SCOPE', 'TRANSPORT', 'UPSTREAM', options.apply ? 'ACTION' : 'WOULD'], ...rows])) say(line);
  for (const plan of plans) {
    if (plan.action === 'skip') continue;
    if (plan.needsEnv.length) say(`  ${plan.name}: the gateway needs ${plan.needsEnv.join(', ')} in its environment`);
    for (const note of plan.notes) say(`  ${plan.name}: ${note}`);
  }

  if (!options.apply) {
    say();
    say(`Nothing was changed. Register them with: mcp-gateway import ${adapter.id} --apply  (add --rewrite to point ${adapter.label} at the gateway)`);
    return;
  }

  say();
  ensurePrivateHome(home);
  for (const plan of plans) {
    if (plan.action === 'skip') {
      say(`skipped ${plan.found.clientName}: ${plan.reason}`);
      continue;
    }
    if (plan.name !== plan.found.clientName) say(`renamed ${JSON.stringify(plan.found.clientName)} to ${plan.name} (server names are letters, digits, "-" and "_")`);
    if (plan.action === 'same') {
      say(`${plan.name}: ${plan.reason}, unchanged`);
      continue;
    }
    try {
      await putServer(paths.registry, plan.name, plan.entry, { replace: plan.action === 'replace' });
    } catch (error) {
      throw asUsageError(error);
    }
    if (!running) auditFromCli(paths, { event: plan.action === 'replace' ? 'server.changed' : 'server.added', subject: plan.name, detail: { keys: Object.keys(plan.entry ?? {}) } });
    say(`${plan.action === 'replace' ? 'replaced' : 'registered'} ${plan.name}: ${baseUrl}/s/${plan.name}/mcp`);
  }

  if (!options.rewrite) {
    say();
    say(`${adapter.label}'s file is unchanged. Point it at the gateway with: mcp-gateway import ${adapter.id} --apply --rewrite`);
    return;
  }
  let rewritten: ReturnType<typeof rewriteClientFiles>;
  try {
    rewritten = rewriteClientFiles({
      adapter,
      config,
      plans,
      backups: new Backups(home),
      target: (name) => (adapter.speaksHttp ? { kind: 'url', url: `${baseUrl}/s/${name}/mcp` } : { kind: 'command', ...connectCommand(name, { home, port }) }),
    });
  } catch (error) {
    if (error instanceof ConfigFileError) throw new UsageError(error.message);
    throw error;
  }
  say();
  if (rewritten.length === 0) {
    say(`Nothing to rewrite in ${adapter.label}'s files.`);
    return;
  }
  for (const done of rewritten) {
    say(`rewrote ${shown(done.file)}: ${done.servers.join(', ')} now go${done.servers.length === 1 ? 'es' : ''} through the gateway (original saved as ${new Backups(home).path(done.record)})`);
  }
  say(`Restart ${adapter.label} to use it. Undo with: mcp-gateway restore ${adapter.id}`);
  if (adapter.speaksHttp && !running) {
    // The rewritten entries are URLs of a gateway: without one running they lead nowhere.
    if (options.start === false) {
      say(`${adapter.label} reaches them at ${baseUrl}: start the gateway with: mcp-gateway start${port === 3333 ? '' : ` --port ${port}`}`);
    } else {
      const started = await ensureGateway({ home, port, log: say });
      say(`${adapter.label} reaches them at ${started.url}. After a restart of this machine, start it again with: mcp-gateway start${port === 3333 ? '' : ` --port ${port}`}`);
    }
  }
}
