// A small SVG time chart (bars or lines), drawn with text nodes and
// attributes only. Hover a bucket for its numbers.
import { useLayoutEffect, useRef, useState } from 'react';
import { clockTime } from '../format/format.js';

export interface Series {
  name: string;
  className: string;
  values: Array<number | null>;
}

const HEIGHT = 180;
const PAD = { left: 52, right: 12, top: 12, bottom: 24 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 4, 6, 8, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

export function TimeChart({ title, starts, series, kind, format }: {
  title: string;
  starts: number[];
  series: Series[];
  kind: 'bars' | 'lines';
  format(value: number): string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  const [hover, setHover] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setWidth(Math.max(200, element.clientWidth)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const n = starts.length;
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const stackedMax = kind === 'bars' ? Math.max(0, ...starts.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0))) : 0;
  const lineMax = kind === 'lines' ? Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))) : 0;
  const max = niceMax(kind === 'bars' ? stackedMax : lineMax);
  const x = (i: number): number => PAD.left + (n <= 1 ? 0 : (i / n) * plotW);
  const bw = n === 0 ? 0 : plotW / n;
  const y = (v: number): number => PAD.top + plotH - (v / max) * plotH;
  const grid = [0, 0.5, 1].map((f) => f * max);
  const labelEvery = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 90))));
  const empty = kind === 'bars' ? stackedMax === 0 : lineMax === 0;

  return (
    <figure className="chart" ref={ref}>
      <figcaption>
        {title}
        <span className="legend">
          {series.map((s) => (
            <span key={s.name} className={`legend-item ${s.className}`}>
              {s.name}
            </span>
          ))}
        </span>
      </figcaption>
      <svg width={width} height={HEIGHT} role="img" aria-label={`${title} over time`} onMouseLeave={() => setHover(null)}>
        {grid.map((v) => (
          <g key={v}>
            <line className="grid-line" x1={PAD.left} x2={width - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="axis-label" x={PAD.left - 6} y={y(v) + 4} textAnchor="end">
              {v === 0 ? '0' : format(v)}
            </text>
          </g>
        ))}
        {starts.map((start, i) =>
          i % labelEvery === 0 ? (
            <text key={start} className="axis-label" x={x(i) + bw / 2} y={HEIGHT - 6} textAnchor="middle">
              {clockTime(start).slice(0, 5)}
            </text>
          ) : null,
        )}
        {kind === 'bars' &&
          starts.map((start, i) => {
            let base = 0;
            return (
              <g key={start}>
                {series.map((s) => {
                  const v = s.values[i] ?? 0;
                  const top = base + v;
                  const rect = v > 0 ? <rect key={s.name} className={s.className} x={x(i) + 1} width={Math.max(1, bw - 2)} y={y(top)} height={y(base) - y(top)} /> : null;
                  base = top;
                  return rect;
                })}
              </g>
            );
          })}
        {kind === 'lines' &&
          series.map((s) => {
            const points = s.values.flatMap((v, i) => (v === null ? [] : [[x(i) + bw / 2, y(v)] as const]));
            return (
              <g key={s.name} className={`line ${s.className}`}>
                {points.length > 1 && <polyline points={points.map(([px, py]) => `${px},${py}`).join(' ')} fill="none" />}
                {points.map(([px, py]) => (
                  <circle key={px} cx={px} cy={py} r={2.5} />
                ))}
              </g>
            );
          })}
        {starts.map((start, i) => (
          <rect key={`hit-${start}`} className="hit" x={x(i)} width={bw} y={PAD.top} height={plotH} onMouseEnter={() => setHover(i)} />
        ))}
        {hover !== null && <line className="hover-line" x1={x(hover) + bw / 2} x2={x(hover) + bw / 2} y1={PAD.top} y2={PAD.top + plotH} />}
        {empty && (
          <text className="axis-label" x={PAD.left + plotW / 2} y={PAD.top + plotH / 2} textAnchor="middle">
            no data in this range
          </text>
        )}
      </svg>
      <p className="chart-readout" aria-live="polite">
        {hover !== null && starts[hover] !== undefined
          ? `${clockTime(starts[hover] as number)}: ${series.map((s) => `${s.name} ${s.values[hover] === null || s.values[hover] === undefined ? '—' : format(s.values[hover] as number)}`).join(', ')}`
          : ' '}
      </p>
    </figure>
  );
}
