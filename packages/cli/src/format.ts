import type { MessageRecord, ServerView } from '@mcp-gateway/gateway';

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) => indent + row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd());
}

/** Where the server really is: its URL, or its command line. Values come from serverView, so secrets are masked. */
export function describeUpstream(view: ServerView, withDetails = false): string {
  const parts: string[] = [];
  if (view.url) {
    parts.push(view.url);
    if (view.type === 'sse') parts.push('(sse)');
  } else {
    parts.push([view.command ?? '', ...(view.args ?? [])].map(shellQuote).join(' '));
    parts.push('(stdio)');
  }
  if (withDetails) {
    for (const [name, value] of Object.entries(view.headers ?? {})) parts.push(`[${name}: ${value}]`);
    for (const [name, value] of Object.entries(view.env ?? {})) parts.push(`[env ${name}=${value}]`);
    if (view.cwd) parts.push(`[cwd ${shellQuote(view.cwd)}]`);
  }
  return parts.join(' ');
}

/** Quotes an argument only when a shell would split or expand it, so the line can be pasted. */
export function shellQuote(value: string): string {
  if (/^[\w@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const ARROWS = { client_to_server: '→', server_to_client: '←' } as const;

/** One message as a line: time, server, direction, kind, method, JSON-RPC id, duration, HTTP status, size. */
export function formatMessageLine(record: MessageRecord): string {
  const time = new Date(record.timestamp).toISOString().slice(11, 23);
  const kind = record.isError && record.kind === 'response' ? 'response!' : record.kind;
  const parts = [
    time,
    record.server.padEnd(12),
    ARROWS[record.direction],
    kind.padEnd(12),
    (record.method ?? '-').padEnd(24),
    record.jsonrpcId === null ? '' : `id=${JSON.stringify(record.jsonrpcId)}`,
    record.durationMs === null ? '' : `${record.durationMs.toFixed(1)} ms`,
    record.httpStatus === null ? '' : `HTTP ${record.httpStatus}`,
    `${record.size} B`,
    `#${record.id}`,
  ];
  return parts.filter((p) => p !== '').join('  ');
}
