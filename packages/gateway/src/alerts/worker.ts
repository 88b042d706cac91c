// The analyzer's thread: reads logs.db (read-only, so it never takes a lock
// the writer needs), catches up on messages stored since its last run, then
// analyzes what the main thread sends after each committed batch. What it
// finds goes back as write ops, which the main thread queues on the batch
// writer like any recorded message.
import { parentPort, workerData } from 'node:worker_threads';
import { ANALYZED_METHODS } from '../definitions/collector.js';
import { readAlertIndex } from '../store/alerts.js';
import { openDatabase } from '../store/db.js';
import {
  analysisRowById,
  analysisRowsAfter,
  latestToolNames,
  readBaselineRows,
  readDefinitionSet,
  readWatermark,
  storedSessionClient,
  type AnalysisRow,
} from '../store/definitions.js';
import type { WriteOp } from '../store/rows.js';
import { Analyzer } from './analyzer.js';
import type { AnalyzerWorkerData, FromAnalyzer, ToAnalyzer } from './worker-protocol.js';

const CATCH_UP_PAGE = 200;
/** Catching up yields this long between pages, so a backlog never takes a core from the gateway at once. */
const CATCH_UP_PAUSE_MS = 5;
/** With nothing found, the progress mark is written at most this often. */
const MARK_EVERY_MS = 1000;

function serve({ file, servers, startAfter }: AnalyzerWorkerData): void {
  const port = parentPort;
  if (!port) return;
  const send = (message: FromAnalyzer): void => port.postMessage(message);
  const { sqlite } = openDatabase(file, { readonly: true, busyTimeoutMs: 1000 });
  const analyzer = new Analyzer({
    baselines: readBaselineRows(sqlite),
    alerts: readAlertIndex(sqlite),
    toolNames: latestToolNames(sqlite),
    definitionSet: (hash) => readDefinitionSet(sqlite, hash),
    collector: {
      requestById: (id) => analysisRowById(sqlite, id),
      sessionClient: (server, session) => storedSessionClient(sqlite, server, session),
    },
  });
  analyzer.setServers(servers);

  // A database from before the analyzer existed is not analyzed backwards: it starts with what comes next.
  const mark = readWatermark(sqlite);
  let through = mark ?? startAfter;
  let markedAt = 0;
  if (mark === null) send({ type: 'ops', ops: [{ op: 'analysis-mark', messageId: through }] });
  let catchingUp = true;
  const live: AnalysisRow[] = [];
  const syncs: number[] = [];
  const ended: Array<{ server: string; session: string }> = [];
  const methods = [...ANALYZED_METHODS];

  const analyze = (rows: readonly AnalysisRow[]): void => {
    const fresh = rows.filter((row) => row.id > through);
    if (fresh.length === 0) return;
    let ops: WriteOp[];
    try {
      ops = analyzer.analyze(fresh);
    } catch (error) {
      send({ type: 'error', message: `analyzing messages ${fresh[0]?.id}–${fresh[fresh.length - 1]?.id} failed: ${(error as Error).stack ?? String(error)}` });
      ops = [];
    }
    through = fresh[fresh.length - 1]?.id ?? through;
    // The mark goes with what was found, in the same transaction: a restart neither repeats nor skips it.
    if (ops.length > 0 || Date.now() - markedAt >= MARK_EVERY_MS) {
      ops.push({ op: 'analysis-mark', messageId: through });
      markedAt = Date.now();
    }
    send({ type: 'ops', ops });
  };

  const catchUp = (): void => {
    const page = analysisRowsAfter(sqlite, methods, through, CATCH_UP_PAGE);
    analyze(page);
    if (page.length === CATCH_UP_PAGE) {
      // Let live rows and sync requests queue up between pages.
      setTimeout(catchUp, CATCH_UP_PAUSE_MS);
      return;
    }
    catchingUp = false;
    analyze(live.splice(0));
    for (const { server, session } of ended.splice(0)) analyzer.endSession(server, session);
    for (const id of syncs.splice(0)) send({ type: 'synced', id });
  };

  // Imported rows: their ids may be below what the live feed already passed, so they are read by range.
  const readInserted = (after: number, last: number): void => {
    const page = analysisRowsAfter(sqlite, methods, after, CATCH_UP_PAGE, last);
    if (page.length === 0) return;
    let ops: WriteOp[] = [];
    try {
      ops = analyzer.analyze(page);
    } catch (error) {
      send({ type: 'error', message: `analyzing imported messages failed: ${(error as Error).stack ?? String(error)}` });
    }
    if (ops.length > 0) send({ type: 'ops', ops });
    const next = page[page.length - 1]?.id ?? last;
    if (page.length === CATCH_UP_PAGE && next < last) setTimeout(() => readInserted(next, last), CATCH_UP_PAUSE_MS);
  };

  port.on('message', (message: ToAnalyzer) => {
    switch (message.type) {
      case 'rows':
        if (catchingUp) live.push(...message.rows);
        else analyze(message.rows);
        break;
      case 'servers':
        analyzer.setServers(message.names);
        break;
      case 'baselines':
        analyzer.setBaselines(readBaselineRows(sqlite, message.server), message.server);
        break;
      case 'inserted':
        readInserted(message.firstId - 1, message.lastId);
        break;
      case 'sync':
        if (catchingUp) syncs.push(message.id);
        else send({ type: 'synced', id: message.id });
        break;
      case 'ended':
        // After the rows sent before it: while catching up those wait in `live`.
        if (catchingUp) ended.push({ server: message.server, session: message.session });
        else analyzer.endSession(message.server, message.session);
        break;
    }
  });
  setImmediate(catchUp);
}

serve(workerData as AnalyzerWorkerData);
