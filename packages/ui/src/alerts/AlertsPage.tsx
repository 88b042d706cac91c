// /alerts: every drift and poisoning alert, newest sighting first, filtered
// by server, severity and kind (kept in the URL).
import type { AlertSeverity } from '@mcp-gateway/gateway/types';
import { setSearch, useLocation } from '../router/router.js';
import { SEVERITY_RANK, useAllAlerts, useRules } from './api.js';
import { AlertCard } from './AlertCard.js';
import './alerts.css';

export function AlertsPage() {
  const { search } = useLocation();
  const server = search.get('server') ?? '';
  const severity = (search.get('severity') ?? '') as AlertSeverity | '';
  const kind = search.get('kind') ?? '';
  const alerts = useAllAlerts();
  const rules = useRules();
  const all = alerts.data?.alerts ?? [];
  const servers = [...new Set(all.map((a) => a.server))].sort();
  const shown = all
    .filter((a) => (!server || a.server === server) && (!severity || SEVERITY_RANK[a.severity] >= SEVERITY_RANK[severity]) && (!kind || a.kind === kind))
    .sort((a, b) => b.lastSeen - a.lastSeen || b.id - a.id);
  const set = (name: string, value: string): void => {
    const next = new URLSearchParams(search);
    if (value) next.set(name, value);
    else next.delete(name);
    setSearch(next, { replace: true });
  };

  return (
    <main className="page alerts-page">
      <div className="page-head">
        <h1>Alerts</h1>
        <p>
          What servers announced or answered that an agent should not trust blindly: definitions that changed since they were trusted (drift), and
          text that tries to steer the agent (poisoning). The gateway never changed the traffic: the agent received all of it.
        </p>
        <div className="controls">
          <label>
            Server{' '}
            <select value={server} onChange={(e) => set('server', e.target.value)}>
              <option value="">all</option>
              {[...new Set([...servers, ...(server ? [server] : [])])].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Severity{' '}
            <select value={severity} onChange={(e) => set('severity', e.target.value)}>
              <option value="">all</option>
              <option value="warning">warning and high</option>
              <option value="high">high</option>
            </select>
          </label>
          <label>
            Kind{' '}
            <select value={kind} onChange={(e) => set('kind', e.target.value)}>
              <option value="">all</option>
              <option value="drift">drift</option>
              <option value="poisoning">poisoning</option>
            </select>
          </label>
        </div>
      </div>
      {alerts.isError && <p className="notice error-text">Could not load the alerts: {alerts.error.message}</p>}
      {alerts.isPending && <p className="empty-note">Loading…</p>}
      {alerts.data && shown.length === 0 && (
        <div className="empty-panel">
          <h2>{all.length === 0 ? 'No alerts' : 'No alerts match'}</h2>
          <p>
            {all.length === 0
              ? 'Nothing recorded so far changed its definitions or tried to steer an agent. Alerts appear here as soon as a server does.'
              : 'Change the filters above to see the others.'}
          </p>
        </div>
      )}
      <div className="alert-list">
        {shown.map((alert) => (
          <AlertCard key={alert.id} alert={alert} rule={rules.get(alert.rule)} />
        ))}
      </div>
    </main>
  );
}
