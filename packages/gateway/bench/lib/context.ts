import type { GatewayProc, UpstreamProc } from './procs.js';
import type { Results } from './report.js';

export interface BenchOptions {
  quick: boolean;
  only: string[] | null;
  /** Run the shared gateway under --cpu-prof and summarize the profile. */
  profile: boolean;
  keep: boolean;
  rows: number;
  /** --rows was given (store10m then seeds that many instead of 10,000,000). */
  rowsGiven: boolean;
  /** Client and upstream on CPU 0, the gateway on CPU 1 (see procs.ts pinCpus). */
  pin: boolean;
  /** --soak / --soak-quick: minutes of sustained load (0: no soak). */
  soakMinutes: number;
  soakQuick: boolean;
}

export interface Ctx {
  options: BenchOptions;
  results: Results;
  upstream: UpstreamProc;
  /** The shared gateway (servers json, sse, raw), started on first use. */
  gateway(): Promise<GatewayProc>;
  log(message: string): void;
  /** The run's file name stem under bench/results/ (an ISO time). */
  runId: string;
}

export const SERVERS = (upstream: UpstreamProc): Record<string, { url: string; headers?: Record<string, string> }> => ({
  // A configured credential, so redaction has a known secret to look for, as in real use.
  json: { url: upstream.url('json'), headers: { Authorization: 'Bearer bench-secret-token-0123456789abcdef' } },
  sse: { url: upstream.url('sse'), headers: { Authorization: 'Bearer bench-secret-token-0123456789abcdef' } },
  raw: { url: upstream.url('raw') },
});
