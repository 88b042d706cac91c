// The alert badges: on a message row (when an alert was seen in it or in its
// pair) and on a server (its alerts, by highest severity).
import type { MouseEvent } from 'react';
import { navigate } from '../router/router.js';
import { highest, useAlertMarks, useAllAlerts } from './api.js';
import { SeverityBadge } from './AlertCard.js';
import './alerts.css';

export function RowAlertBadge({ ids }: { ids: ReadonlyArray<number | null> }) {
  const marks = useAlertMarks();
  if (marks.size === 0) return null;
  const severity = highest(ids.flatMap((id) => (id === null ? [] : (marks.get(id) ?? []))));
  if (severity === null) return null;
  return (
    <span className={`alert-badge row-alert sev-${severity}`} title={`${severity} alert: open the message to see it`} aria-label={`${severity} alert`}>
      ⚠
    </span>
  );
}

export function ServerAlertBadge({ server }: { server: string }) {
  const alerts = useAllAlerts();
  const mine = (alerts.data?.alerts ?? []).filter((a) => a.server === server);
  const severity = highest(mine.map((a) => a.severity));
  if (severity === null) return null;
  const open = (event: MouseEvent): void => {
    event.preventDefault();
    navigate(`/alerts?server=${encodeURIComponent(server)}`);
  };
  return (
    <a href={`/ui/alerts?server=${encodeURIComponent(server)}`} className="server-alerts" onClick={open} aria-label={`${mine.length} alert${mine.length === 1 ? '' : 's'} on ${server}, highest ${severity}`}>
      <SeverityBadge severity={severity} count={mine.length} />
    </a>
  );
}
