// In the detail pane: the alerts seen in this message, each with its field
// from this very message and the match highlighted in it.
import { useQuery } from '@tanstack/react-query';
import type { MessageDetail } from '@mcp-gateway/gateway/types';
import { ALERTS_KEY, alertsApi, useRules } from './api.js';
import { AlertCard } from './AlertCard.js';
import { valueAt } from './text.js';
import './alerts.css';

export function MessageAlerts({ detail }: { detail: MessageDetail }) {
  const id = detail.message.id;
  const rules = useRules();
  const query = useQuery({ queryKey: [ALERTS_KEY, 'message', id], queryFn: () => alertsApi.alerts({ message: id }) });
  const alerts = query.data?.alerts ?? [];
  if (alerts.length === 0) return null;
  let body: unknown = null;
  try {
    body = JSON.parse(detail.message.body);
  } catch {
    // a cut or invalid body: the cards show the match alone
  }
  return (
    <section className="message-alerts" aria-label="Alerts in this message">
      <h3>
        {alerts.length} alert{alerts.length === 1 ? '' : 's'} in this message
      </h3>
      {alerts.map((alert) => {
        const field = alert.path ? valueAt(body, alert.path) : undefined;
        return <AlertCard key={alert.id} alert={alert} rule={rules.get(alert.rule)} field={typeof field === 'string' ? field : undefined} />;
      })}
    </section>
  );
}

/** For the pane's `banner` slot. */
export const alertBanner = (detail: MessageDetail) => <MessageAlerts detail={detail} />;
