// A V8 .cpuprofile (node --cpu-prof) as collapsed stacks ("a;b;c <µs>" per line, the format of
// Brendan Gregg's flamegraph.pl) and as a self-contained SVG flame graph (hover a frame for its name
// and share). No network, no dependencies.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const fn = functionName || '(anonymous)';
  if (!url) return fn;
  const short = url
    .replace(/^file:\/\/.*?node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/^file:\/\/.*?node_modules\//, '')
    .replace(/^file:\/\/.*\/packages\/([^/]+)\/dist\//, '$1:')
    .replace(/^node:/, '');
  return `${fn} ${short}:${lineNumber + 1}`;
}

/** Collapsed stacks, root first, weighted by sampled microseconds; (idle) and (program) left out. */
export function collapse(file: string): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map<number, string>();
  const stack = (id: number): string => {
    let s = stackOf.get(id);
    if (s !== undefined) return s;
    const names: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at) as ProfileNode;
      if (node.callFrame.functionName === '(root)') break;
      names.push(frameName(node).replace(/;/g, ','));
    }
    s = names.reverse().join(';');
    stackOf.set(id, s);
    return s;
  };
  const out = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i] as number;
    const name = byId.get(id)?.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') continue;
    const s = stack(id);
    out.set(s, (out.get(s) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  return out;
}

export function collapsedText(stacks: Map<string, number>): string {
  return [...stacks.entries()].sort((a, b) => b[1] - a[1]).map(([s, us]) => `${s} ${us}`).join('\n') + '\n';
}

interface Frame {
  name: string;
  value: number;
  children: Map<string, Frame>;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function hue(name: string): string {
  // Gateway code warm, node internals cool, dependencies in between: where the time goes at a glance.
  const base = /gateway:/.test(name) ? 20 : /^(internal|node:)|\s(internal\/|_http|net:|stream)/.test(name) ? 200 : /undici|hono/.test(name) ? 280 : 45;
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return `hsl(${base + (h % 25)},70%,${60 + (h % 15)}%)`;
}

export function flameSvg(stacks: Map<string, number>, title: string): string {
  const root: Frame = { name: 'all', value: 0, children: new Map() };
  for (const [s, us] of stacks) {
    root.value += us;
    let at = root;
    for (const name of s.split(';')) {
      let next = at.children.get(name);
      if (!next) at.children.set(name, (next = { name, value: 0, children: new Map() }));
      next.value += us;
      at = next;
    }
  }
  const width = 1600;
  const rowH = 16;
  const rects: string[] = [];
  let depthMax = 0;
  const walk = (f: Frame, x: number, depth: number): void => {
    const w = (f.value / root.value) * width;
    if (w < 0.3) return;
    depthMax = Math.max(depthMax, depth);
    const pct = ((f.value / root.value) * 100).toFixed(2);
    const label = w > 40 ? escape(f.name.slice(0, Math.floor(w / 6.5))) : '';
    rects.push(
      `<g><title>${escape(f.name)} — ${(f.value / 1000).toFixed(1)} ms, ${pct}%</title><rect x="${x.toFixed(1)}" y="DEPTH${depth}" width="${w.toFixed(1)}" height="${rowH - 1}" fill="${hue(f.name)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(1)}" y="DEPTHT${depth}">${label}</text>` : '') +
        '</g>',
    );
    let cx = x;
    for (const child of [...f.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      walk(child, cx, depth + 1);
      cx += (child.value / root.value) * width;
    }
  };
  walk(root, 0, 0);
  const height = (depthMax + 1) * rowH + 40;
  // Icicle turned over: the root at the bottom, as flame graphs are drawn.
  const body = rects
    .join('\n')
    .replace(/DEPTHT(\d+)/g, (_, d: string) => String(height - 10 - (Number(d) + 1) * rowH + 12))
    .replace(/DEPTH(\d+)/g, (_, d: string) => String(height - 10 - (Number(d) + 1) * rowH));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="16" font-size="13">${escape(title)} — ${(root.value / 1000).toFixed(0)} ms on CPU sampled (idle left out)</text>
${body}
</svg>
`;
}
