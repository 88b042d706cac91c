// The empty state's one-button way to see every kind of row: registers the
// demo server shipped with the gateway and drives a short scripted session
// through it (POST /api/demo, what `mcp-gateway demo --traffic` does). The
// rows then arrive on the live feed like any others.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiJson } from '../api/client.js';

interface DemoResult {
  server: string;
  proxyUrl: string;
  traffic: { calls: number; errors: number; toolErrors: number } | null;
}

export function DemoButton() {
  const queries = useQueryClient();
  const demo = useMutation({
    mutationFn: () => apiJson<DemoResult>('/demo', { method: 'POST', body: JSON.stringify({ traffic: true }) }),
    onSuccess: () => void queries.invalidateQueries(),
  });
  return (
    <p className="demo-offer">
      Quickest: the demo server shipped with the gateway.{' '}
      <button type="button" className="primary" disabled={demo.isPending} onClick={() => demo.mutate()}>
        {demo.isPending ? 'Running the demo…' : 'Run the demo'}
      </button>{' '}
      <span className="muted">(registers server "demo" and sends it a few calls; from a terminal: <code>mcp-gateway demo --traffic</code>)</span>
      {demo.isError && (
        <span className="notice error-text" role="alert">
          {' '}
          The demo could not run: {demo.error.message}
        </span>
      )}
    </p>
  );
}
