// /faults: the rules acting on traffic (add, remove, clear) and the messages
// pause rules hold. Rules live in mcp.json ("faults"); the CLI's
// `mcp-gateway fault` edits the same list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useBreakpoints, useFaults, faultsApi } from './api.js';
import { BreakpointList } from './Breakpoints.js';
import { describeFault } from './describe.js';
import { FaultForm } from './FaultForm.js';
import './faults.css';

export function FaultsPage() {
  const queryClient = useQueryClient();
  const faults = useFaults();
  const rules = faults.data?.faults ?? [];
  const pausing = rules.some((f) => f.active && f.action.type === 'pause');
  const held = useBreakpoints(pausing || rules.length > 0).data?.breakpoints ?? [];
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['faults'] });
  const remove = useMutation({ mutationFn: faultsApi.remove, onSuccess: refresh });
  const clear = useMutation({ mutationFn: faultsApi.clear, onSuccess: refresh });
  return (
    <main className="page faults-page">
      <div className="page-head">
        <h1>Fault rules</h1>
        <p>
          Make a server slow, fail, hang, lose its session, cut its streams or change its answers, to see how a client copes. Rules are off
          until you add one; every effect is recorded, marked with the rule's id, beside what the server really sent.
        </p>
      </div>
      <section aria-label="Held messages">
        <h2>Breakpoints</h2>
        <BreakpointList held={held} />
      </section>
      <section aria-label="Rules">
        <div className="card-head">
          <h2>Rules</h2>
          {rules.length > 0 && (
            <button type="button" className="danger-outline" onClick={() => clear.mutate()} disabled={clear.isPending}>
              Remove all
            </button>
          )}
        </div>
        {rules.length === 0 ? (
          <p className="muted">No rules: traffic passes untouched.</p>
        ) : (
          <table className="fault-table">
            <thead>
              <tr>
                <th>Rule</th>
                <th>Does</th>
                <th>Fired</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.map((f) => (
                <tr key={f.id} className={f.active ? '' : 'inactive'}>
                  <td>
                    <code>{f.id}</code>
                  </td>
                  <td>{describeFault(f)}</td>
                  <td>{f.fired}</td>
                  <td>{f.active ? (f.expiresAt ? `active until ${new Date(f.expiresAt).toLocaleTimeString()}` : 'active') : f.expiresAt && Date.parse(f.expiresAt) <= Date.now() ? 'expired' : 'used up'}</td>
                  <td>
                    <button type="button" aria-label={`Remove rule ${f.id}`} onClick={() => remove.mutate(f.id)} disabled={remove.isPending}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <FaultForm />
    </main>
  );
}
