// While any fault rule is active, every page says so and names the rules:
// traffic is being changed on purpose, and a forgotten rule must not pass for
// a broken server.
import { Link } from '../router/router.js';
import { useBreakpoints, useFaults } from './api.js';
import { describeFault } from './describe.js';
import './faults.css';

export function FaultBanner() {
  const faults = useFaults();
  const active = (faults.data?.faults ?? []).filter((f) => f.active);
  const pausing = active.some((f) => f.action.type === 'pause');
  const held = useBreakpoints(pausing).data?.breakpoints ?? [];
  if (active.length === 0 && held.length === 0) return null;
  return (
    <div className="storage-banner fault-banner" role="status" aria-label="Fault rules active">
      <strong>Fault rules are changing traffic:</strong>{' '}
      {active.map((f, i) => (
        <span key={f.id}>
          {i > 0 && '; '}
          <code>{f.id}</code> {describeFault(f)}
        </span>
      ))}
      .{held.length > 0 && <strong> {held.length} message{held.length === 1 ? ' is' : 's are'} held at a breakpoint.</strong>}{' '}
      <Link to="/faults">Manage fault rules</Link>
    </div>
  );
}
