// One line per rule: what it does, to what, for how long.
import type { FaultAction, FaultView } from '@mcp-gateway/gateway/types';

function what(action: FaultAction): string {
  switch (action.type) {
    case 'delay':
      return `delay ${action.ms} ms${action.jitterMs ? ` ±${action.jitterMs}` : ''}${action.on === 'response' ? ' (answer)' : ''}`;
    case 'error':
      return `JSON-RPC error ${action.code ?? -32603}${action.message ? ` "${action.message}"` : ''}`;
    case 'toolError':
      return `tool error${action.text ? ` "${action.text}"` : ''}`;
    case 'http':
      return `HTTP ${action.status}${action.headers ? ` with ${Object.keys(action.headers).join(', ')}` : ''}`;
    case 'cut':
      return `cut the stream after ${action.afterEvents ?? 0} events`;
    case 'rewrite':
      return `rewrite (${action.patch.length} patch op${action.patch.length === 1 ? '' : 's'})`;
    case 'pause':
      return `breakpoint${action.onlyNext ? ' (next only)' : ''}`;
    default:
      return action.type;
  }
}

export function describeFault(rule: FaultView): string {
  const match = rule.match ?? {};
  const on = [match.method, match.tool && `tool ${match.tool}`, match.session && `session ${match.session.slice(0, 8)}`].filter(Boolean).join(', ');
  const limits = [rule.times !== undefined && `${rule.times}×`, rule.probability !== undefined && `${Math.round(rule.probability * 100)}%`].filter(Boolean).join(', ');
  return `${what(rule.action)} on ${rule.server === '*' ? 'every server' : rule.server}${on ? ` (${on})` : ''}${limits ? `, ${limits}` : ''}`;
}
