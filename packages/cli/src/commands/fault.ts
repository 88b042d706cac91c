// `mcp-gateway fault add|list|remove|clear`: fault rules in mcp.json, through
// the running gateway's API when one runs (it counts and audits them), else
// in the file itself (audited as the CLI's).
import {
  describeIssues,
  directionOf,
  faultRuleInputSchema,
  findRunningGateway,
  homePaths,
  prepareRule,
  readRegistry,
  resolveHome,
  ruleDetail,
  updateRegistry,
  type FaultRuleInput,
  type HomePaths,
} from '@mcp-gateway/gateway';
import type { FaultAction, FaultList, FaultRule, FaultView } from '@mcp-gateway/gateway/types';
import { auditFromCli } from '../cli-audit.js';
import { CliError, UsageError } from '../errors.js';
import { table } from '../format.js';
import { callGateway, GatewayRefused, type GatewayTarget } from '../gateway-api.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export const FAULT_ACTIONS = ['delay', 'error', 'toolError', 'hang', 'http', 'cut', 'reset', 'drop', 'rewrite', 'pause'] as const;

export interface AddFaultOptions extends GlobalOptions {
  server: string;
  action: FaultAction['type'];
  id?: string;
  method?: string;
  tool?: string;
  direction?: 'client_to_server' | 'server_to_client';
  session?: string;
  times?: number;
  probability?: number;
  ttl?: number;
  ms?: number;
  jitter?: number;
  on?: 'request' | 'response';
  code?: number;
  message?: string;
  text?: string;
  status?: number;
  header?: Record<string, string>;
  body?: string;
  afterEvents?: number;
  patch?: string;
  timeoutMs?: number;
  onlyNext?: boolean;
  json?: boolean;
}

export interface ListFaultsOptions extends GlobalOptions {
  json?: boolean;
}

/** Which flags each action takes: anything else given is a usage error, not silently dropped. */
const ACTION_FLAGS: Record<FaultAction['type'], Array<keyof AddFaultOptions>> = {
  delay: ['ms', 'jitter', 'on'],
  error: ['code', 'message'],
  toolError: ['text'],
  hang: [],
  http: ['status', 'header', 'body'],
  cut: ['afterEvents'],
  reset: [],
  drop: [],
  rewrite: ['patch'],
  pause: ['timeoutMs', 'onlyNext'],
};
const FLAG_NAMES: Partial<Record<keyof AddFaultOptions, string>> = {
  ms: '--ms', jitter: '--jitter', on: '--on', code: '--code', message: '--message', text: '--text', status: '--status', header: '--header',
  body: '--body', afterEvents: '--after-events', patch: '--patch', timeoutMs: '--timeout-ms', onlyNext: '--only-next',
};

/** The rule the flags describe, checked as the gateway checks it. */
export function ruleFromFlags(options: AddFaultOptions): FaultRuleInput {
  const allowed = new Set(ACTION_FLAGS[options.action]);
  for (const [key, flag] of Object.entries(FLAG_NAMES) as Array<[keyof AddFaultOptions, string]>) {
    if (options[key] !== undefined && !allowed.has(key)) {
      const takes = ACTION_FLAGS[options.action].map((k) => FLAG_NAMES[k]).join(', ');
      throw new UsageError(`${flag} does not apply to --action ${options.action}${takes ? `; it takes ${takes}` : '; it takes no options of its own'}`);
    }
  }
  const action: Record<string, unknown> = { type: options.action };
  const put = (name: string, value: unknown): void => {
    if (value !== undefined) action[name] = value;
  };
  put('ms', options.ms);
  put('jitterMs', options.jitter);
  put('on', options.on);
  put('code', options.code);
  put('message', options.message);
  put('text', options.text);
  put('status', options.status);
  put('headers', options.header);
  put('body', options.body);
  put('afterEvents', options.afterEvents);
  put('timeoutMs', options.timeoutMs);
  put('onlyNext', options.onlyNext);
  if (options.patch !== undefined) {
    try {
      action.patch = JSON.parse(options.patch) as unknown;
    } catch (error) {
      throw new UsageError(`--patch must be a JSON array of RFC 6902 operations, e.g. '[{"op":"replace","path":"/result/tools/0/description","value":"x"}]' (${(error as Error).message})`);
    }
  }
  const match: Record<string, unknown> = {};
  if (options.method !== undefined) match.method = options.method;
  if (options.tool !== undefined) match.tool = options.tool;
  if (options.direction !== undefined) match.direction = options.direction;
  if (options.session !== undefined) match.session = options.session;
  const rule: Record<string, unknown> = { server: options.server, action };
  if (options.id !== undefined) rule.id = options.id;
  if (Object.keys(match).length > 0) rule.match = match;
  if (options.times !== undefined) rule.times = options.times;
  if (options.probability !== undefined) rule.probability = options.probability;
  if (options.ttl !== undefined) rule.ttlSeconds = options.ttl;
  const parsed = faultRuleInputSchema.safeParse(rule);
  if (!parsed.success) throw new UsageError(`invalid fault rule: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

async function through<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof GatewayRefused && (error.status === 400 || error.status === 404)) throw new UsageError(error.apiMessage);
    if (error instanceof GatewayRefused) throw new CliError(error.apiMessage);
    throw error;
  }
}

function fileRules(paths: HomePaths): FaultRuleInput[] {
  return readRegistry(paths.registry).parsed.faults ?? [];
}

export async function addFault(options: AddFaultOptions): Promise<void> {
  const input = ruleFromFlags(options);
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  let view: FaultView;
  if (running) {
    view = await through(() => callGateway<FaultView>(running, 'POST', '/faults', { body: JSON.stringify(input), contentType: 'application/json' }));
  } else {
    let rule: FaultRule | null = null;
    await updateRegistry(paths.registry, (raw) => {
      const existing = Array.isArray(raw.faults) ? (raw.faults as Array<{ id?: unknown }>) : [];
      try {
        rule = prepareRule(input, Date.now(), new Set(existing.map((r) => String(r.id))));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      raw.faults = [...existing, rule];
    });
    const added = rule as unknown as FaultRule;
    auditFromCli(paths, { event: 'fault.added', subject: added.id, detail: ruleDetail(added) });
    view = { ...added, expiresAt: added.expiresAt ?? null, fired: 0, active: true };
  }
  if (options.json) {
    say(JSON.stringify(view));
    return;
  }
  say(`Added fault rule ${view.id}: ${describeRule(view)}.`);
  say(running ? 'It acts on traffic now; the inspector shows a banner while it is active.' : 'No gateway runs: it acts once one starts (mcp-gateway start).');
  say(`Remove it with: mcp-gateway fault remove ${view.id}`);
}

export async function listFaults(options: ListFaultsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  const faults: FaultView[] = running
    ? (await through(() => callGateway<FaultList>(running, 'GET', '/faults'))).faults
    : fileRules(paths).map((rule, index) => ({ ...rule, id: rule.id ?? `(unnamed #${index + 1})`, expiresAt: rule.expiresAt ?? null, fired: 0, active: isLive(rule) }));
  if (options.json) {
    say(JSON.stringify({ faults }));
    return;
  }
  if (faults.length === 0) {
    say('No fault rules: traffic passes untouched. Add one with: mcp-gateway fault add <server> --action delay --ms 2000 --tool <tool>');
    return;
  }
  const rows = faults.map((f) => [f.id, f.server, describeRule(f), running ? String(f.fired) : '-', f.active ? 'active' : f.expiresAt !== null && Date.parse(f.expiresAt) <= Date.now() ? 'expired' : 'used up']);
  for (const line of table([['ID', 'SERVER', 'RULE', 'FIRED', 'STATE'], ...rows])) say(line);
  if (!running) say('(no gateway runs: counters start when one does)');
}

export async function removeFault(options: GlobalOptions & { id: string }): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  if (running) {
    await through(() => callGateway<FaultView>(running, 'DELETE', `/faults/${encodeURIComponent(options.id)}`));
  } else {
    let removed: FaultRuleInput | undefined;
    await updateRegistry(paths.registry, (raw) => {
      const existing = Array.isArray(raw.faults) ? (raw.faults as FaultRuleInput[]) : [];
      removed = existing.find((r) => r.id === options.id);
      if (!removed) {
        const ids = existing.map((r) => r.id).filter((id) => id !== undefined);
        throw new UsageError(`no fault rule "${options.id}"${ids.length ? `; rules: ${ids.join(', ')}` : '; there are none'}`);
      }
      const kept = existing.filter((r) => r.id !== options.id);
      if (kept.length > 0) raw.faults = kept;
      else delete raw.faults;
    });
    auditFromCli(paths, { event: 'fault.removed', subject: options.id, detail: ruleDetail(removed as FaultRule) });
  }
  say(`Removed fault rule ${options.id}.`);
}

export async function clearFaults(options: GlobalOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  let removed: number;
  if (running) {
    removed = (await through(() => callGateway<{ removed: number }>(running, 'DELETE', '/faults'))).removed;
  } else {
    let ids: string[] = [];
    await updateRegistry(paths.registry, (raw) => {
      const existing = Array.isArray(raw.faults) ? (raw.faults as FaultRuleInput[]) : [];
      ids = existing.map((r, i) => r.id ?? `#${i + 1}`);
      delete raw.faults;
    });
    removed = ids.length;
    if (removed > 0) auditFromCli(paths, { event: 'faults.cleared', subject: null, detail: { removed, rules: ids } });
  }
  say(removed === 0 ? 'There were no fault rules.' : `Removed ${removed} fault rule${removed === 1 ? '' : 's'}: traffic passes untouched.`);
}

function isLive(rule: FaultRuleInput): boolean {
  return rule.expiresAt === undefined || Date.parse(rule.expiresAt) > Date.now();
}

/** One line: what the rule does to what. */
export function describeRule(rule: Pick<FaultRule, 'action' | 'match' | 'times' | 'probability'> & { expiresAt?: string | null | undefined }): string {
  const { action } = rule;
  const what = ((): string => {
    switch (action.type) {
      case 'delay':
        return `delay ${action.ms} ms${action.jitterMs ? ` ±${action.jitterMs}` : ''}`;
      case 'error':
        return `error ${action.code ?? -32603}${action.message ? ` "${action.message}"` : ''}`;
      case 'toolError':
        return `tool error${action.text ? ` "${action.text}"` : ''}`;
      case 'http':
        return `HTTP ${action.status}${action.headers ? ` (${Object.keys(action.headers).join(', ')})` : ''}`;
      case 'cut':
        return `cut after ${action.afterEvents ?? 0} events`;
      case 'rewrite':
        return `rewrite (${action.patch.length} op${action.patch.length === 1 ? '' : 's'})`;
      case 'pause':
        return `pause${action.onlyNext ? ' the next' : ''} (${(action.timeoutMs ?? 60_000) / 1000} s)`;
      default:
        return action.type;
    }
  })();
  const match = rule.match ?? {};
  const on = [match.method, match.tool && `tool ${match.tool}`, match.session && `session ${match.session}`].filter(Boolean).join(' ');
  const direction = directionOf(rule) === 'client_to_server' ? 'requests' : 'answers';
  const limits = [rule.times !== undefined && `${rule.times}×`, rule.probability !== undefined && `p=${rule.probability}`, rule.expiresAt && `until ${rule.expiresAt}`].filter(Boolean).join(', ');
  return `${what} on ${on ? `${on} ` : 'all '}${direction}${limits ? ` (${limits})` : ''}`;
}
