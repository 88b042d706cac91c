// The mark of a message the gateway itself sent or received replaying a
// recorded request (origin "replay"); on the replayed request it links to the
// original (replayOf).
import type { MouseEvent } from 'react';

export function ReplayBadge({ replayOf, long, onOpen }: {
  replayOf: number | null;
  /** "replay of #12" instead of "replay" (the detail pane has the room). */
  long?: boolean;
  onOpen(id: number): void;
}) {
  if (replayOf === null) {
    return (
      <span className="replay-badge" title="Sent or received by the gateway while replaying a recorded request">
        replay
      </span>
    );
  }
  const open = (event: MouseEvent): void => {
    // In a table row: open the original, not the row.
    event.stopPropagation();
    onOpen(replayOf);
  };
  return (
    <button type="button" className="replay-badge" title={`A replay of request #${replayOf}: open the original`} aria-label={`replay of #${replayOf}: open the original`} onClick={open}>
      {long ? `replay of #${replayOf}` : 'replay'}
    </button>
  );
}
