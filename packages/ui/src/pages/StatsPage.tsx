// Per server and method: counts, error rate, latency percentiles; and calls
// and latency over time.
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { StatsRow } from '@mcp-gateway/gateway/types';
import { api } from '../api/endpoints.js';
import { Choice } from '../components/Choice.js';
import { TimeChart } from '../components/TimeChart.js';
import { bytes, duration, percent } from '../format/format.js';
import { Link } from '../router/router.js';
import { bucketize, type Answer } from '../traffic/buckets.js';

const RANGES: Record<string, { label: string; ms: number | null }> = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  all: { label: 'All time', ms: null },
};
/** Answers read for the charts: up to this many of the newest in the range. */
const MAX_ANSWERS = 20_000;

async function answers(server: string | undefined, since: number | undefined): Promise<{ answers: Answer[]; complete: boolean }> {
  const out: Answer[] = [];
  let before: number | undefined;
  while (out.length < MAX_ANSWERS) {
    const page = await api.listMessages({
      ...(server ? { server } : {}),
      ...(since !== undefined ? { since: String(since) } : {}),
      minDurationMs: '0',
      limit: '1000',
      maxBody: '0',
      ...(before !== undefined ? { before: String(before) } : {}),
    });
    for (const m of page.messages) if (m.durationMs !== null) out.push({ timestamp: m.timestamp, durationMs: m.durationMs, isError: m.isError });
    if (!page.next || !('before' in page.next)) return { answers: out, complete: true };
    before = page.next.before;
  }
  return { answers: out, complete: false };
}

const ms = (v: number | null): string => (v === null ? '—' : duration(v));

export function StatsPage() {
  const [range, setRange] = useState('1h');
  const [server, setServer] = useState('');
  // The range's start is fixed when it is picked, so queries are stable.
  const since = useMemo(() => {
    const span = RANGES[range]?.ms ?? null;
    return span === null ? undefined : Date.now() - span;
  }, [range]);
  const stats = useQuery({ queryKey: ['stats', 'table', range, server, since], queryFn: () => api.stats({ server: server || undefined, since }), refetchInterval: 10_000 });
  const series = useQuery({ queryKey: ['stats', 'series', range, server, since], queryFn: () => answers(server || undefined, since), refetchInterval: 10_000 });
  const servers = useQuery({ queryKey: ['servers'], queryFn: api.servers });

  const buckets = useMemo(() => {
    const list = series.data?.answers ?? [];
    const now = Date.now();
    const from = since ?? (list.length ? Math.min(...list.map((a) => a.timestamp)) : now - 3_600_000);
    return bucketize(list, from, now);
  }, [series.data, since]);

  const rows = [...(stats.data?.rows ?? [])].sort((a, b) => b.count - a.count);
  const total = rows.reduce((acc, r) => ({ count: acc.count + r.count, errors: acc.errors + r.errorCount }), { count: 0, errors: 0 });
  const link = (r: StatsRow): string => `/?server=${encodeURIComponent(r.server)}${r.method ? `&method=${encodeURIComponent(r.method)}` : ''}`;

  return (
    <main className="page">
      <div className="page-head">
        <h1>Stats</h1>
        <p className="muted">Message counts, error rates and answer times per server and method.</p>
        <div className="controls">
          <Choice label="Time" value={range} options={Object.entries(RANGES).map(([key, r]): [string, string] => [key, r.label])} onChange={setRange} />
          <Choice
            label="Server"
            value={server}
            options={[['', 'All servers'], ...(servers.data?.servers ?? []).map((s): [string, string] => [s.name, s.name])]}
            onChange={setServer}
          />
        </div>
      </div>
      <div className="charts">
        <TimeChart
          title="Calls"
          kind="bars"
          starts={buckets.map((b) => b.start)}
          series={[
            { name: 'ok', className: 'series-ok', values: buckets.map((b) => b.calls - b.errors) },
            { name: 'errors', className: 'series-error', values: buckets.map((b) => b.errors) },
          ]}
          format={(v) => String(Math.round(v))}
        />
        <TimeChart
          title="Answer time"
          kind="lines"
          starts={buckets.map((b) => b.start)}
          series={[
            { name: 'p50', className: 'series-p50', values: buckets.map((b) => b.p50) },
            { name: 'p95', className: 'series-p95', values: buckets.map((b) => b.p95) },
          ]}
          format={(v) => duration(v)}
        />
      </div>
      {series.data && !series.data.complete && <p className="notice subtle">Charts show the newest {MAX_ANSWERS.toLocaleString('en-US')} answers of the range.</p>}
      {stats.isError && <p className="notice error-text">Could not load stats: {stats.error.message}</p>}
      {stats.isSuccess && rows.length === 0 ? (
        <div className="empty-panel">
          <h2>Nothing recorded in this range</h2>
          <p>
            Stats fill in as clients use the gateway. <Link to="/servers">See the proxy URLs</Link>.
          </p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="data-table">
            <caption className="sr-only">Per server and method</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Method</th>
                <th scope="col" className="num">Messages</th>
                <th scope="col" className="num">Errors</th>
                <th scope="col" className="num">Error rate</th>
                <th scope="col" className="num">p50</th>
                <th scope="col" className="num">p95</th>
                <th scope="col" className="num">p99</th>
                <th scope="col" className="num">Bytes</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.server}/${r.method ?? ''}`}>
                  <td>{r.server}</td>
                  <td className="mono">
                    <Link to={link(r)}>{r.method ?? '(no method)'}</Link>
                  </td>
                  <td className="num">{r.count.toLocaleString('en-US')}</td>
                  <td className={`num${r.errorCount ? ' error-text' : ''}`}>{r.errorCount.toLocaleString('en-US')}</td>
                  <td className={`num${r.errorCount ? ' error-text' : ''}`}>{percent(r.errorCount, r.count)}</td>
                  <td className="num">{ms(r.p50Ms)}</td>
                  <td className="num">{ms(r.p95Ms)}</td>
                  <td className="num">{ms(r.p99Ms)}</td>
                  <td className="num">{bytes(r.bytes)}</td>
                </tr>
              ))}
            </tbody>
            {rows.length > 1 && (
              <tfoot>
                <tr>
                  <th scope="row" colSpan={2}>
                    Total
                  </th>
                  <td className="num">{total.count.toLocaleString('en-US')}</td>
                  <td className="num">{total.errors.toLocaleString('en-US')}</td>
                  <td className="num">{percent(total.errors, total.count)}</td>
                  <td colSpan={4} />
                </tr>
              </tfoot>
            )}
          </table>
        </div>
      )}
    </main>
  );
}
