import { existsSync } from 'node:fs';
import {
  acceptBaselines,
  ALERT_RULES,
  appendAudit,
  escapeInvisible,
  findRunningGateway,
  homePaths,
  readAlerts,
  readRegistry,
  resolveHome,
  resolveServers,
  serversWithDefinitions,
  type Alert,
  type AlertList,
  type AlertSeverity,
  type BaselineResult,
  type HomePaths,
} from '@mcp-gateway/gateway';
import { withDatabase } from '../database.js';
import { CliError, UsageError } from '../errors.js';
import { callGateway, GatewayRefused, type GatewayTarget } from '../gateway-api.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface AlertsOptions extends GlobalOptions {
  server?: string;
  severity?: AlertSeverity;
  kind?: 'drift' | 'poisoning';
  since?: number;
  limit: number;
  json?: boolean;
}

export interface CheckOptions extends GlobalOptions {
  server?: string;
  failOn: 'high' | 'warning';
  since?: number;
}

export interface BaselineOptions extends GlobalOptions {
  server: string;
}

/**
 * The alerts, as GET /api/alerts answers: from the running gateway (which
 * first analyzes everything it recorded), else from logs.db.
 */
async function fetchAlerts(paths: HomePaths, query: { server?: string; severity?: AlertSeverity; kind?: string; since?: number; limit: number }): Promise<AlertList> {
  const running = await findRunningGateway(paths.runtime);
  if (running) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    return callGateway<AlertList>(running, 'GET', `/alerts?${params}`);
  }
  if (!existsSync(paths.database)) return { alerts: [] };
  return withDatabase(paths.database, 'read', (sqlite) => ({
    alerts: readAlerts(sqlite, { ...query, kind: query.kind as Alert['kind'] | undefined }),
  }));
}

/** `mcp-gateway alerts`: oldest first, each with what happened and what to do; --json prints the API's answer as is. */
export async function showAlerts(options: AlertsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const answer = await fetchAlerts(paths, { server: options.server, severity: options.severity, kind: options.kind, since: options.since, limit: options.limit });
  if (options.json) {
    say(JSON.stringify(answer));
    return;
  }
  if (answer.alerts.length === 0) {
    say(options.server || options.severity || options.kind ? 'No alerts match.' : 'No alerts: nothing recorded so far changed its definitions or tried to steer an agent.');
    return;
  }
  for (const alert of [...answer.alerts].reverse()) {
    for (const line of describeAlert(alert)) say(line);
    say();
  }
}

/** `mcp-gateway check`: exits 1 when there are alerts at `failOn` or above, so CI can gate on a recorded session. */
export async function checkAlerts(options: CheckOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const { alerts } = await fetchAlerts(paths, { server: options.server, severity: options.failOn, since: options.since, limit: 1000 });
  const scope = options.server ? ` for ${options.server}` : '';
  if (alerts.length === 0) {
    say(`ok: no ${options.failOn === 'high' ? 'high' : 'warning or high'} alerts${scope}.`);
    return;
  }
  for (const alert of [...alerts].reverse()) say(`${alert.severity.toUpperCase().padEnd(7)} ${alert.rule}  ${alert.server}  ${where(alert)}`);
  throw new CliError(
    `${alerts.length}${alerts.length === 1000 ? '+' : ''} alert${alerts.length === 1 ? '' : 's'} at ${options.failOn} or above${scope}; run 'mcp-gateway alerts${options.server ? ` --server ${options.server}` : ''}' for what each means and what to do`,
    1,
  );
}

/** `mcp-gateway baseline accept <server>`: through the running gateway, else on logs.db; audited either way. */
export async function acceptBaseline(options: BaselineOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  const result = running ? await acceptThroughGateway(running, options.server) : acceptHere(paths, options.server);
  say(`Accepted the current definitions of ${result.server} as its baseline:`);
  for (const baseline of result.baselines) {
    say(`  ${baseline.kind.padEnd(17)} ${String(baseline.count).padStart(4)} ${baseline.count === 1 ? 'entry  ' : 'entries'}  sha256:${baseline.hash.slice(0, 12)}  (message ${baseline.messageId ?? '-'})`);
  }
  say('Later lists are compared with these; alerts raised before stay listed as history.');
}

async function acceptThroughGateway(gateway: GatewayTarget, server: string): Promise<BaselineResult> {
  try {
    return await callGateway<BaselineResult>(gateway, 'POST', `/servers/${encodeURIComponent(server)}/baseline`);
  } catch (error) {
    if (error instanceof GatewayRefused && error.status === 404) throw new UsageError(error.apiMessage);
    if (error instanceof GatewayRefused && error.status === 409) throw new CliError(error.apiMessage);
    throw error;
  }
}

function acceptHere(paths: HomePaths, server: string): BaselineResult {
  let registered: string[] = [];
  try {
    registered = resolveServers(readRegistry(paths.registry).parsed).map((s) => s.name);
  } catch {
    // An unreadable mcp.json does not stop accepting what was recorded.
  }
  const recorded = existsSync(paths.database) ? withDatabase(paths.database, 'read', (sqlite) => serversWithDefinitions(sqlite)) : [];
  if (!registered.includes(server) && !recorded.includes(server)) {
    const known = [...new Set([...registered, ...recorded])];
    throw new UsageError(`no server named "${server}"${known.length ? `; known: ${known.join(', ')}` : '; none is registered or recorded'}`);
  }
  const baselines = withDatabase(paths.database, 'write', (sqlite) => {
    const accepted = acceptBaselines(sqlite, server, 'cli');
    if (accepted.length > 0) {
      appendAudit(sqlite, {
        event: 'baseline.accepted',
        subject: server,
        detail: { kinds: accepted.map((b) => b.kind), hashes: accepted.map((b) => b.hash.slice(0, 12)) },
        source: 'cli',
      });
    }
    return accepted;
  });
  if (baselines.length === 0) {
    throw new CliError(`no complete definitions of "${server}" were recorded yet; connect a client through /s/${server}/mcp and list its tools first`);
  }
  return { server, baselines };
}

const RULES = new Map(ALERT_RULES.map((rule) => [rule.id, rule]));

function where(alert: Alert): string {
  return [`message ${alert.messageId ?? '-'}`, alert.session ? `session ${alert.session}` : null, alert.path].filter(Boolean).join(', ');
}

/** Quoted (JSON string rules for quotes and newlines), cut to `max`, with invisible characters as \u{…}. */
const quote = (text: string, max = 300): string => escapeInvisible(JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text));

/** An alert as a reader needs it: what, where, the evidence, and what to do. */
export function describeAlert(alert: Alert): string[] {
  const rule = RULES.get(alert.rule);
  const seen = alert.seen === 1 ? `seen once, ${new Date(alert.lastSeen).toISOString()}` : `seen ${alert.seen}×, ${new Date(alert.firstSeen).toISOString()} to ${new Date(alert.lastSeen).toISOString()}`;
  const lines = [`${alert.severity.toUpperCase()}  ${alert.kind} ${alert.rule}  server ${alert.server}  (#${alert.id}, ${seen})`];
  if (rule) lines.push(`  ${rule.rationale}`);
  lines.push(`  where: ${where(alert)}`);
  if (alert.match) lines.push(`  matched: ${quote(alert.match.text)} at ${alert.match.start}–${alert.match.end}`);
  if (alert.decoded !== null) lines.push(`  hidden text: ${quote(alert.decoded)}`);
  if (alert.before !== null || alert.after !== null) {
    lines.push(`  before: ${alert.before === null ? '(absent)' : quote(alert.before)}`);
    lines.push(`  after:  ${alert.after === null ? '(absent)' : quote(alert.after)}`);
  }
  if (rule) lines.push(`  what to do: ${rule.advice.replaceAll('<server>', alert.server).replaceAll('<name>', alert.server)}`);
  return lines;
}
