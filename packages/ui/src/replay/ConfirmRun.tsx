// The question the gateway asks before re-running a tool its recorded
// tools/list does not mark read-only: names the tool, shows its annotations.
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { annotationPairs } from './catalog.js';
import type { ConfirmRefusal } from './send-flow.js';

export function ConfirmRun({ refusal, again, onConfirm, onCancel }: {
  refusal: ConfirmRefusal | null;
  /** A replay runs the tool again; a composed request runs it. */
  again: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const pairs = annotationPairs(refusal?.annotations ?? null);
  const tool = refusal?.tool ?? '';
  // The spec's default for destructiveHint is true: only an explicit false makes it a plain question.
  const destructive = refusal?.annotations?.destructiveHint !== false;
  return (
    <ConfirmDialog
      open={refusal !== null}
      title={`${again ? 'Run' : 'Call'} the tool "${tool}"${again ? ' again' : ''}?`}
      confirmLabel={again ? 'Run it again' : 'Run it'}
      danger={destructive}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        The server's recorded <code>tools/list</code> does not mark <code>{tool}</code> as read-only (<code>readOnlyHint: true</code>), so
        running it {again ? 'again may repeat what the first call did' : 'may change something'} on the server or beyond it (write, send, delete).
      </p>
      {pairs.length > 0 ? (
        <table className="kv annotations">
          <caption>Its annotations, as the server declared them</caption>
          <tbody>
            {pairs.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">It declares no annotations (or no tools/list naming it was recorded): nothing says it is safe to repeat.</p>
      )}
    </ConfirmDialog>
  );
}
