import type { DiffEntry, MessageDetail, ReplayResult, VerifyItem, VerifyReport } from '@mcp-gateway/gateway';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, UsageError } from '../errors.js';
import { callGateway, GatewayRefused, type GatewayTarget } from '../gateway-api.js';
import { withGateway } from '../gateway-session.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface ReplayOptions extends GlobalOptions {
  id: number;
  params?: string;
  edit?: boolean;
  live?: boolean;
  yes?: boolean;
  json?: boolean;
}

export interface VerifyOptions extends GlobalOptions {
  session: string;
  server?: string;
  from?: string;
  ignorePath?: string[];
  yes?: boolean;
  json?: boolean;
}

/** `mcp-gateway replay <id>`: exits 1 when the answer is a JSON-RPC error or an isError result. */
export async function replayMessage(options: ReplayOptions): Promise<void> {
  if (options.params !== undefined && options.edit) throw new UsageError('use either --params or --edit, not both');
  const supplied = options.params === undefined ? undefined : paramsObject(options.params, '--params');
  const result = await withGateway(options.home, async (gateway) => {
    const params = options.edit ? editParams(await recordedParams(gateway, options.id)) : supplied;
    const body = { ...(params === undefined ? {} : { params }), session: options.live ? 'live' : 'fresh', ...(options.yes ? { confirm: true } : {}) };
    return refusalsExplained(() => callGateway<ReplayResult>(gateway, 'POST', `/messages/${options.id}/replay`, json(body)));
  });
  if (options.json) say(JSON.stringify(result, null, 2));
  else printReplay(options.id, result);
  const answer = result.response;
  if (answer === null) throw new CliError('no answer was recorded for the replayed request', 1);
  if (answer.kind === 'error' || answer.isError) throw new CliError(`the server answered with ${answer.kind === 'error' ? 'a JSON-RPC error' : 'an isError result'} (message ${answer.id})`, 1);
}

/** `mcp-gateway verify <session>`: exits 1 when any answer changed or failed. */
export async function verifySession(options: VerifyOptions): Promise<void> {
  let exported: string | undefined;
  if (options.from !== undefined) {
    try {
      exported = readFileSync(options.from, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read the export ${options.from}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; write one with: mcp-gateway logs export --out ${options.from}`);
    }
  }
  const body = {
    ...(options.yes ? { confirm: true } : {}),
    ...(options.ignorePath?.length ? { ignorePaths: options.ignorePath } : {}),
    ...(options.server !== undefined && exported !== undefined ? { server: options.server } : {}),
    ...(exported === undefined ? {} : { export: exported }),
  };
  const query = options.server !== undefined && exported === undefined ? `?server=${encodeURIComponent(options.server)}` : '';
  const report = await withGateway(options.home, (gateway) =>
    refusalsExplained(() => callGateway<VerifyReport>(gateway, 'POST', `/sessions/${encodeURIComponent(options.session)}/verify${query}`, { ...json(body), timeoutMs: 600_000 })),
  );
  if (options.json) say(JSON.stringify(report, null, 2));
  else printVerify(report);
  if (report.changed > 0 || report.errors > 0) throw new CliError(`${report.changed} changed, ${report.errors} failed`, 1);
}

function json(body: unknown): { body: string; contentType: string } {
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/** The API's refusals become one line that names the flag to add. */
async function refusalsExplained<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof GatewayRefused)) throw error;
    if (error.code === 'confirmation_required') throw new CliError(`${error.apiMessage.replace(/; send again with confirm: true to run it$/, '')}; add --yes to run it`, 1);
    if (error.code === 'redacted_params') throw new CliError(`${error.apiMessage.replace(/supply the real values in params$/, 'supply them with --params or --edit')}`, 1);
    if (error.status === 400 || error.status === 404) throw new UsageError(error.apiMessage);
    throw new CliError(error.apiMessage, 1);
  }
}

function paramsObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not JSON (${(error as Error).message}); nothing was sent`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${source} must be a JSON object (the request's params); nothing was sent`);
  return value as Record<string, unknown>;
}

async function recordedParams(gateway: GatewayTarget, id: number): Promise<unknown> {
  const detail = await refusalsExplained(() => callGateway<MessageDetail>(gateway, 'GET', `/messages/${id}`));
  try {
    return (JSON.parse(detail.message.body) as { params?: unknown }).params ?? {};
  } catch {
    return {};
  }
}

/** Opens $VISUAL or $EDITOR on a private temp file holding the params; what it saves is sent. */
function editParams(params: unknown): Record<string, unknown> {
  const editor = process.env.VISUAL || process.env.EDITOR;
  if (!editor) throw new UsageError('--edit needs an editor: set VISUAL or EDITOR (e.g. EDITOR=nano), or pass --params JSON');
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-replay-'));
  const file = join(dir, 'params.json');
  try {
    writeFileSync(file, `${JSON.stringify(params, null, 2)}\n`, { mode: 0o600 });
    // Through the shell, as git does: EDITOR may carry arguments ("code --wait").
    const ran = spawnSync(`${editor} "${file}"`, { shell: true, stdio: 'inherit' });
    if (ran.status !== 0) throw new CliError(`the editor (${editor}) exited with ${ran.status ?? ran.signal}; nothing was sent`, 1);
    return paramsObject(readFileSync(file, 'utf8'), 'the edited params');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (value: number | null): string => (value === null ? '—' : `${value.toFixed(1)} ms`);

function printReplay(id: number, result: ReplayResult): void {
  const target = targetOf(result.request.body);
  const session = result.session === null ? 'without a session (2026-07-28 era)' : `in session ${result.session}`;
  say(`Replayed message ${id} (${result.request.method}${target ? ` ${target}` : ''}) ${session}: ${ms(result.durationMs)} (was ${ms(result.originalDurationMs)})`);
  say(`Recorded as messages ${result.request.id} and ${result.response?.id ?? '— (no answer)'}.`);
  for (const refused of result.refusedServerRequests) say(`Refused ${refused.method}: a replay has no client behind it to answer (message ${refused.id}).`);
  if (result.response) say(pretty(result.response.body));
  if (result.diff.length === 0) say('Same answer as recorded.');
  else {
    say(`${result.diff.length} difference${result.diff.length === 1 ? '' : 's'} from the recorded answer:`);
    for (const line of diffLines(result.diff)) say(`  ${line}`);
  }
}

function printVerify(report: VerifyReport): void {
  const where = report.replaySession === null ? '' : ` in session ${report.replaySession}`;
  say(`Verified session ${report.session}${where}: ${report.same} same, ${report.changed} changed, ${report.errors} failed, ${report.skipped} skipped`);
  const width = Math.max(0, ...report.results.map((r) => label(r).length));
  for (const item of report.results) {
    say(`  ${item.status.padEnd(8)} ${label(item).padEnd(width)}  ${ms(item.durationMs)} (was ${ms(item.originalDurationMs)})`);
    if (item.reason) say(`           ${item.status === 'skipped' ? `${item.reason.replace(/; send again with confirm: true to run it$/, '')}; add --yes to run it` : item.reason}`);
    for (const line of diffLines(item.diff)) say(`           ${line}`);
  }
}

function label(item: VerifyItem): string {
  return `${item.method}${item.target ? ` ${item.target}` : ''}`;
}

function diffLines(diff: DiffEntry[]): string[] {
  const show = (value: unknown): string => {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  };
  return diff.map((d) =>
    d.change === 'added' ? `+ ${d.path}: ${show(d.after)}` : d.change === 'removed' ? `- ${d.path}: ${show(d.before)}` : `~ ${d.path}: ${show(d.before)} → ${show(d.after)}`,
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function targetOf(body: string): string | null {
  try {
    const params = (JSON.parse(body) as { params?: { name?: unknown; uri?: unknown } }).params;
    return typeof params?.name === 'string' ? params.name : typeof params?.uri === 'string' ? params.uri : null;
  } catch {
    return null;
  }
}
