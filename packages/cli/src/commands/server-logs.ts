import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { findRunningGateway, homePaths, readStderr, resolveHome, type StderrLine } from '@mcp-gateway/gateway';
import { callGateway } from '../gateway-api.js';
import { withDatabase } from '../database.js';
import type { GlobalOptions } from '../options.js';
import { say } from '../output.js';

export interface ServerLogsOptions extends GlobalOptions {
  name: string;
  session?: string;
  lines: number;
  follow?: boolean;
}

/**
 * What a stdio server wrote to stderr (redacted), oldest first: asked of the
 * running gateway, else read from logs.db. With --follow, new lines as they come.
 */
export async function serverLogs(options: ServerLogsOptions): Promise<void> {
  const paths = homePaths(resolveHome(options.home));
  const running = await findRunningGateway(paths.runtime);
  const read = async (after: number | undefined, limit: number): Promise<StderrLine[]> => {
    if (running) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (options.session) query.set('session', options.session);
      if (after !== undefined) query.set('after', String(after));
      const page = await callGateway<{ lines: StderrLine[] }>(running, 'GET', `/servers/${encodeURIComponent(options.name)}/stderr?${query}`);
      return page.lines;
    }
    if (!existsSync(paths.database)) return [];
    return withDatabase(paths.database, 'read', (sqlite) =>
      readStderr(sqlite, { server: options.name, ...(options.session ? { session: options.session } : {}), ...(after !== undefined ? { after } : {}), limit }),
    );
  };

  let last: number | undefined;
  const print = (lines: StderrLine[]): void => {
    for (const line of lines) {
      say(`${new Date(line.timestamp).toISOString()} ${(line.sessionId ?? '-').slice(0, 8)} ${line.line}`);
      last = line.id;
    }
  };
  if (options.lines > 0) print(await read(undefined, options.lines));
  else last = (await read(undefined, 1)).at(-1)?.id ?? 0;
  while (options.follow) {
    await sleep(500);
    print(await read(last ?? 0, 1000));
  }
}
