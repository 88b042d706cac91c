// Messages between the AlertService (main thread) and the analyzer's thread (worker.ts).
import type { AnalysisRow } from '../store/definitions.js';
import type { WriteOp } from '../store/rows.js';

export interface AnalyzerWorkerData {
  /** logs.db: the thread opens it read-only (what it writes goes back as ops for the batch writer). */
  file: string;
  /** The registered server names, for the shadowing rule. */
  servers: string[];
  /**
   * The newest message id when the gateway started, before any traffic: with no progress mark yet (a
   * database from before the analyzer), analysis starts after it rather than going through old history.
   */
  startAfter: number;
}

export type ToAnalyzer =
  | { type: 'rows'; rows: AnalysisRow[] }
  | { type: 'servers'; names: string[] }
  /** Someone accepted new baselines for this server: read them again. */
  | { type: 'baselines'; server: string }
  /** Rows with these ids were inserted without passing the writer (an import): read them from the database. */
  | { type: 'inserted'; firstId: number; lastId: number }
  /** Answer `synced` once everything sent before is analyzed and its ops sent back. */
  | { type: 'sync'; id: number }
  /** The client deleted this session: what is kept for it can go. */
  | { type: 'ended'; server: string; session: string };

export type FromAnalyzer =
  | { type: 'ops'; ops: WriteOp[] }
  | { type: 'synced'; id: number }
  | { type: 'error'; message: string };
