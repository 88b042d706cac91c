import { existsSync } from 'node:fs';
import {
  findRunningGateway,
  homePaths,
  MessageQueries,
  readEventStream,
  resolveHome,
  toExportLine,
  type ClearEvent,
  type MessagePage,
  type MessageRecord,
} from '@mcp-gateway/gateway';
import { CliError } from '../errors.js';
import { authorization, callGateway, type GatewayTarget } from '../gateway-api.js';
import { withDatabase } from '../database.js';
import { formatMessageLine } from '../format.js';
import type { GlobalOptions } from '../options.js';
import { say, warn } from '../output.js';

export interface TailLogsOptions extends GlobalOptions {
  server?: string;
  follow?: boolean;
  lines: number;
  json?: boolean;
}

// A summary line needs only the start of a body; --json prints messages whole.
const SUMMARY_BODY = 0;
const WHOLE_BODY = 16 * 1024 * 1024;

/**
 * The last messages, oldest first; with --follow, then every new one as the
 * running gateway stores it (from GET /api/events, resuming by id if the
 * stream drops, so nothing is missed or printed twice).
 */
export async function tailLogs(options: TailLogsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  if (options.follow && !running) {
    throw new CliError(`no gateway is running for ${paths.dir}; --follow shows messages as a running gateway records them (start one with: mcp-gateway start)`);
  }
  const maxBody = options.json ? WHOLE_BODY : SUMMARY_BODY;
  const recent = running ? await recentFromGateway(running, options, maxBody) : recentFromDatabase(paths.database, options, maxBody);
  const print = (record: MessageRecord): void => say(options.json ? JSON.stringify(toExportLine(record)) : formatMessageLine(record));
  for (const record of recent.reverse()) print(record);
  if (!options.follow || !running) return;
  const newest = recent[recent.length - 1]?.id;
  await follow(running, options.server, newest, maxBody, print);
}

async function recentFromGateway(gateway: GatewayTarget, options: TailLogsOptions, maxBody: number): Promise<MessageRecord[]> {
  if (options.lines === 0) return [];
  const query = new URLSearchParams({ limit: String(options.lines), maxBody: String(maxBody) });
  if (options.server !== undefined) query.set('server', options.server);
  return (await callGateway<MessagePage>(gateway, 'GET', `/messages?${query}`)).messages;
}

function recentFromDatabase(file: string, options: TailLogsOptions, maxBody: number): MessageRecord[] {
  if (options.lines === 0 || !existsSync(file)) return [];
  const filter = options.server === undefined ? {} : { server: options.server };
  return withDatabase(file, 'read', (sqlite) => new MessageQueries(sqlite).page(filter, { order: 'desc', limit: options.lines }, maxBody).messages);
}

/** Prints live messages until interrupted; reconnects from the last id when the stream ends (it was cut off, say). */
async function follow(
  gateway: GatewayTarget,
  server: string | undefined,
  after: number | undefined,
  maxBody: number,
  print: (record: MessageRecord) => void,
): Promise<void> {
  const baseUrl = gateway.url;
  let position = after;
  for (;;) {
    const query = new URLSearchParams({ maxBody: String(maxBody) });
    if (server !== undefined) query.set('server', server);
    // Without a position the stream starts at the newest message and says where that is.
    if (position !== undefined) query.set('after', String(position));
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/api/events?${query}`, { headers: { ...authorization(gateway), accept: 'text/event-stream' } });
    } catch (error) {
      throw new CliError(`the gateway at ${baseUrl} stopped answering (${(error as Error).message}); messages up to id ${position ?? 'none'} were shown`);
    }
    if (!response.ok || !response.body) throw new CliError(`the gateway at ${baseUrl} refused the event stream (HTTP ${response.status})`);
    for await (const event of readEventStream(response.body)) {
      if (event.id !== null && /^\d+$/.test(event.id)) position = Number(event.id);
      if (event.data === null) continue;
      if (event.event === 'message') print(JSON.parse(event.data) as MessageRecord);
      else if (event.event === 'clear') warn(describeClear(JSON.parse(event.data) as ClearEvent));
      // A reader that went away (| head) ends the follow quietly.
      if (process.stdout.destroyed) return;
    }
    if (process.stdout.destroyed) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function describeClear(event: ClearEvent): string {
  const scope = event.server === null ? '' : ` of server "${event.server}"`;
  return `(${event.removed} recorded messages${scope} older than id ${event.before} were cleared)`;
}
