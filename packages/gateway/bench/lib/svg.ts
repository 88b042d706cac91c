// A small SVG line chart, hand-written: one panel per measure, stacked, sharing
// the time axis; a dashed line where the warm-up ends. No plotting dependency.

export interface Series {
  label: string;
  color: string;
  /** [x, y] points; y NaN or null breaks the line. */
  points: Array<[number, number | null]>;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
  /** A horizontal line for the target, if any. */
  target?: number;
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function lineChart(options: { title: string; xLabel: string; panels: Panel[]; markX?: number; width?: number; panelHeight?: number }): string {
  const width = options.width ?? 900;
  const panelHeight = options.panelHeight ?? 120;
  const left = 70;
  const right = 170;
  const top = 40;
  const gap = 34;
  const plotWidth = width - left - right;
  const xs = options.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs, xMin + 1e-9);
  const height = top + options.panels.length * (panelHeight + gap) + 20;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${escape(options.title)}</text>`,
  ];
  const xPos = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * plotWidth;
  options.panels.forEach((panel, index) => {
    const y0 = top + index * (panelHeight + gap) + 14;
    const values = panel.series.flatMap((s) => s.points.map(([, y]) => y).filter((y): y is number => y !== null && Number.isFinite(y)));
    if (panel.target !== undefined) values.push(panel.target);
    let yMin = values.length ? Math.min(...values) : 0;
    let yMax = values.length ? Math.max(...values) : 1;
    if (yMin > 0 && yMin < yMax * 0.5) yMin = 0;
    if (yMax - yMin < 1e-9) {
      yMax += 1;
      yMin = Math.max(0, yMin - 1);
    }
    const yPos = (y: number): number => y0 + panelHeight - ((y - yMin) / (yMax - yMin)) * panelHeight;
    out.push(`<text x="${left}" y="${y0 - 4}" font-weight="bold">${escape(panel.title)} (${escape(panel.unit)})</text>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotWidth}" height="${panelHeight}" fill="none" stroke="#bbb"/>`);
    out.push(`<text x="${left - 6}" y="${y0 + 10}" text-anchor="end">${num(yMax)}</text>`);
    out.push(`<text x="${left - 6}" y="${y0 + panelHeight}" text-anchor="end">${num(yMin)}</text>`);
    if (panel.target !== undefined) {
      out.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${yPos(panel.target).toFixed(1)}" y2="${yPos(panel.target).toFixed(1)}" stroke="#c00" stroke-dasharray="2,3"/>`);
      out.push(`<text x="${left + plotWidth - 4}" y="${(yPos(panel.target) - 3).toFixed(1)}" text-anchor="end" fill="#c00">target ${num(panel.target)}</text>`);
    }
    if (options.markX !== undefined) {
      const x = xPos(options.markX).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + panelHeight}" stroke="#888" stroke-dasharray="4,3"/>`);
    }
    panel.series.forEach((series, s) => {
      // A null breaks the line into pieces.
      let piece: string[] = [];
      const flush = (): void => {
        if (piece.length > 1) out.push(`<polyline fill="none" stroke="${series.color}" stroke-width="1.5" points="${piece.join(' ')}"/>`);
        else if (piece.length === 1) out.push(`<circle cx="${piece[0]!.split(',')[0]}" cy="${piece[0]!.split(',')[1]}" r="1.5" fill="${series.color}"/>`);
        piece = [];
      };
      for (const [x, y] of series.points) {
        if (y === null || !Number.isFinite(y)) flush();
        else piece.push(`${xPos(x).toFixed(1)},${yPos(y).toFixed(1)}`);
      }
      flush();
      out.push(`<line x1="${left + plotWidth + 8}" x2="${left + plotWidth + 24}" y1="${y0 + 14 + s * 14}" y2="${y0 + 14 + s * 14}" stroke="${series.color}" stroke-width="2"/>`);
      out.push(`<text x="${left + plotWidth + 28}" y="${y0 + 18 + s * 14}">${escape(series.label)}</text>`);
    });
  });
  const axisY = top + options.panels.length * (panelHeight + gap) - gap + 28;
  out.push(`<text x="${left}" y="${axisY}">${num(xMin)}</text>`);
  out.push(`<text x="${left + plotWidth}" y="${axisY}" text-anchor="end">${num(xMax)}</text>`);
  out.push(`<text x="${left + plotWidth / 2}" y="${axisY}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}
