// One table for the terminal, the same rows (plus details) as JSON.
export interface Row {
  section: string;
  metric: string;
  unit: string;
  direct: number | string | null;
  gateway: number | string | null;
  /** Difference or ratio against direct, as shown. */
  compare: string;
  target: string;
  pass: boolean | null;
  note?: string;
}

export class Results {
  readonly rows: Row[] = [];
  readonly details: Record<string, unknown> = {};
  readonly errors: Array<{ section: string; error: string }> = [];
  /** Blocks of text printed before the table (the soak's samples, where its plot went). */
  readonly texts: string[] = [];

  add(row: Row): void {
    this.rows.push(row);
  }

  detail(section: string, value: unknown): void {
    this.details[section] = value;
  }

  text(block: string): void {
    this.texts.push(block);
  }
}

export function fmt(value: number | string | null, unit = ''): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  const text = abs >= 1000 ? Math.round(value).toLocaleString('en-US') : abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

export const delta = (gateway: number, direct: number, unit: string): string => `${gateway - direct >= 0 ? '+' : ''}${fmt(gateway - direct, unit)}`;
export const ratio = (gateway: number, direct: number): string => `${(gateway / direct).toFixed(2)}×`;

export function renderTable(rows: Row[]): string {
  const header = ['section', 'metric', 'direct', 'gateway', 'vs direct', 'target', 'result'];
  const body = rows.map((r) => [
    r.section,
    r.metric,
    fmt(r.direct, r.unit),
    fmt(r.gateway, r.unit),
    r.compare || '-',
    r.target || '-',
    r.pass === null ? (r.note ? 'info' : '-') : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  let last = '';
  for (const row of body) {
    if (row[0] === last) row[0] = '';
    else last = row[0] as string;
    out.push(line(row));
  }
  const notes = rows.filter((r) => r.note).map((r) => `  * ${r.section} / ${r.metric}: ${r.note}`);
  if (notes.length) out.push('', 'Notes:', ...notes);
  return out.join('\n');
}

export function renderMarkdown(rows: Row[]): string {
  const out = ['| section | metric | direct | gateway | vs direct | target | result |', '|---|---|--:|--:|--:|---|---|'];
  for (const r of rows) {
    out.push(
      `| ${r.section} | ${r.metric} | ${fmt(r.direct, r.unit)} | ${fmt(r.gateway, r.unit)} | ${r.compare || '-'} | ${r.target || '-'} | ${
        r.pass === null ? '-' : r.pass ? 'pass' : '**FAIL**'
      } |`,
    );
  }
  return out.join('\n');
}
