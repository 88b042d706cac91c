// The mark of a row a fault rule made (MessageRecord.injected): what the
// client or the server was given instead of, or besides, what was sent.
export function InjectedBadge({ rule, long }: { rule: string; long?: boolean }) {
  return (
    <span className="injected-badge" title={`Made by fault rule ${rule}: what was delivered, not (only) what was sent`}>
      {long ? `fault ${rule}` : 'fault'}
    </span>
  );
}
