// Recording can fail while traffic keeps flowing (a full disk, a locked or
// read-only database): say so on every page, or the user reads an empty or
// stale traffic list as "nothing happened".
import { useQuery } from '@tanstack/react-query';
import type { OtelHealth } from '@mcp-gateway/gateway/types';
import { api } from '../api/endpoints.js';

/** The gateway's storage health: from GET /api/health, replaced by `health` events as they come (App.tsx), re-read now and then in case one was missed. */
export function StorageBanner() {
  const health = useQuery({ queryKey: ['gateway-health'], queryFn: api.health, refetchInterval: 15_000 });
  const storage = health.data?.storage;
  if (!storage) return null;
  if (storage.ok) return <OtelLossBanner otel={health.data?.otel} />;
  return (
    <div className="storage-banner" role="alert">
      <strong>Recording is failing:</strong> {storage.error ?? 'unknown storage error'}. Traffic still flows to the servers, but is not being saved
      {storage.pendingWrites > 0 && <> ({storage.pendingWrites.toLocaleString()} writes waiting{storage.droppedWrites > 0 && `, ${storage.droppedWrites.toLocaleString()} dropped`})</>}.
      Free disk space (or fix the error); recording resumes by itself.
    </div>
  );
}

/** OpenTelemetry export losing spans (a collector slow, down or refusing): said once, quietly; traffic and recording are unaffected. */
function OtelLossBanner({ otel }: { otel: OtelHealth | undefined }) {
  if (!otel?.enabled || otel.dropped + otel.failed === 0) return null;
  const lost = [otel.dropped > 0 && `${otel.dropped.toLocaleString()} dropped (export queue full)`, otel.failed > 0 && `${otel.failed.toLocaleString()} not accepted`].filter(Boolean).join(', ');
  return (
    <div className="storage-banner otel-banner" role="status">
      <strong>OpenTelemetry export is losing spans:</strong> {lost}
      {otel.lastError && <> ({otel.lastError})</>}. Traffic and recording are unaffected; check the collector (the &quot;otel&quot; endpoint in mcp.json or OTEL_EXPORTER_OTLP_ENDPOINT).
    </div>
  );
}
