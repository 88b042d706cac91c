// One alert, as a reader needs it: what happened, where, the evidence (the
// matched text with invisible characters drawn, the hidden text decoded, the
// before/after of a drift), and what to do.
import type { Alert, AlertRuleInfo, AlertSeverity } from '@mcp-gateway/gateway/types';
import { diffLines, diffWordsWithSpace } from 'diff';
import { dateTime } from '../format/format.js';
import { Link } from '../router/router.js';
import { Highlighted, Visible } from './text.js';

const LABEL: Record<AlertSeverity, string> = { info: 'info', warning: 'warning', high: 'high' };

export function SeverityBadge({ severity, count }: { severity: AlertSeverity; count?: number }) {
  return (
    <span className={`alert-badge sev-${severity}`} title={`${count ?? 1} ${severity} alert${count === undefined || count === 1 ? '' : 's'}`}>
      {LABEL[severity]}
      {count !== undefined && count > 1 ? ` ${count}` : ''}
    </span>
  );
}

/** Words added and removed between two texts (lines, for the multi-line list summaries). */
export function TextDiff({ before, after }: { before: string | null; after: string | null }) {
  const a = before ?? '';
  const b = after ?? '';
  const parts = a.includes('\n') || b.includes('\n') ? diffLines(a, b) : diffWordsWithSpace(a, b);
  return (
    <pre className="text-diff" aria-label="Changes">
      {parts.map((part, i) => (
        <span key={i} className={part.added ? 'adiff-add' : part.removed ? 'adiff-del' : undefined}>
          {part.added && <span className="sr-only">added: </span>}
          {part.removed && <span className="sr-only">removed: </span>}
          <Visible text={part.value} />
        </span>
      ))}
    </pre>
  );
}

export function trafficLink(alert: Alert): string {
  return `/?server=${encodeURIComponent(alert.server)}&sel=${alert.messageId ?? ''}&open=1`;
}

export function AlertCard({ alert, rule, field }: {
  alert: Alert;
  rule: AlertRuleInfo | undefined;
  /** The whole field the match is in, when the caller has the message. */
  field?: string;
}) {
  const match = alert.match;
  const inField = match !== null && field !== undefined && field.slice(match.start, match.end) === match.text;
  const seen = alert.seen === 1 ? `seen once, ${dateTime(alert.lastSeen)}` : `seen ${alert.seen} times, ${dateTime(alert.firstSeen)} – ${dateTime(alert.lastSeen)}`;
  return (
    <article className={`alert-card sev-${alert.severity}`} aria-label={`${alert.severity} alert ${alert.rule} on ${alert.server}`}>
      <header className="alert-head">
        <SeverityBadge severity={alert.severity} />
        <span className="alert-kind">{alert.kind}</span>
        <strong className="mono">{alert.rule}</strong>
        <span>
          on <Link to={`/servers/${encodeURIComponent(alert.server)}/definitions`}>{alert.server}</Link>
        </span>
        <span className="muted">{seen}</span>
      </header>
      {rule && <p className="alert-why">{rule.rationale}</p>}
      <p className="alert-where">
        {alert.messageId !== null && <Link to={trafficLink(alert)}>message #{alert.messageId}</Link>}
        {alert.session && <span className="mono"> · session {alert.session}</span>}
        {alert.path && <code className="alert-path"> {alert.path}</code>}
      </p>
      {match && (
        <div className="alert-evidence">
          <span className="evidence-label">Matched</span>
          {inField ? <Highlighted text={field} start={match.start} end={match.end} /> : <Highlighted text={match.text} start={0} end={match.text.length} />}
        </div>
      )}
      {alert.decoded !== null && (
        <div className="alert-evidence">
          <span className="evidence-label">Hidden text</span>
          <span className="decoded">
            <Visible text={alert.decoded} />
          </span>
        </div>
      )}
      {(alert.before !== null || alert.after !== null) && (
        <div className="alert-evidence">
          <span className="evidence-label">Before → after</span>
          <TextDiff before={alert.before} after={alert.after} />
        </div>
      )}
      {rule && (
        <p className="alert-advice">
          <strong>What to do:</strong> {rule.advice.replaceAll('<server>', alert.server).replaceAll('<name>', alert.server)}
        </p>
      )}
    </article>
  );
}
